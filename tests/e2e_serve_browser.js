#!/usr/bin/env node
// The page of `brief serve` in a real browser: Debian's headless Chromium
// driven by puppeteer-core. Loads the page on a folder of summaries, reads
// the preview's PDF text (fetched from the page, run through pdftotext),
// types an edit and waits for the preview to update, switches the layout,
// uploads figures, triggers an error and checks its line is shown and the
// editor jumps there, and saves screenshots.
// Usage: e2e_serve_browser.js BRIEF ROOT NPM_PREFIX SHOTS_DIR
// Prints "N passed, N failed".
"use strict";
const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [BRIEF, ROOT, NPM_PREFIX, SHOTS] = process.argv.slice(2);
const puppeteer = require(path.resolve(NPM_PREFIX, "node_modules", "puppeteer-core"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 60000; // generous: the machine is shared
let passed = 0, failed = 0;

function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log("FAIL: " + what); }
  return ok;
}

function startServer(dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BRIEF, ["serve", dir, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/brief serve: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on("exit", (code) => reject(new Error("brief serve exited " + code + ": " + out)));
  });
}

// The PDF the preview shows, fetched by the page itself from its blob URL.
async function previewText(page, tmp, name) {
  const b64 = await page.evaluate(async () => {
    const res = await fetch(document.getElementById("preview").src);
    const bytes = new Uint8Array(await res.arrayBuffer());
    let s = "";
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    return btoa(s);
  });
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Buffer.from(b64, "base64"));
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  return { text, pages: Number((info.match(/Pages:\s+(\d+)/) || [])[1]) };
}

// Chromium's PDF viewer draws in its own process, after the page's load: a
// screenshot waits until the preview area holds more than a flat background.
async function waitForViewer(page) {
  const box = await (await page.$("#preview")).boundingBox();
  for (let i = 0; i < 40; i++) {
    const shot = await page.screenshot({ clip: box, type: "png" });
    if (shot.length > 30000) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

const counter = (page, key) => page.evaluate((k) => Number(document.body.dataset[k] || 0), key);
const waitCounter = (page, key, above) =>
  page.waitForFunction((k, n) => Number(document.body.dataset[k] || 0) > n, { timeout: TIMEOUT }, key, above);

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "brief-browser-"));
  const dir = path.join(tmp, "served");
  fs.mkdirSync(dir);
  for (const f of ["陇西县.md", "黔西县.md", "盘州市.md", "figures.csv"])
    fs.copyFileSync(path.join(ROOT, "input", f), path.join(dir, f));
  fs.mkdirSync(SHOTS, { recursive: true });
  const { proc, url } = await startServer(dir);
  const profile = fs.mkdtempSync(path.join(tmp, "profile-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile],
    timeout: TIMEOUT,
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.setViewport({ width: 1400, height: 900 });
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    let renderRequests = 0;
    page.on("request", (r) => { if (r.url().includes("/render?")) renderRequests++; });

    // Load: the folder's first summary opens and renders.
    await page.goto(url, { waitUntil: "load" });
    await waitCounter(page, "rendered", 0);
    const files = await page.$$eval("#file option", (o) => o.map((x) => x.value));
    check(files.join(",") === "盘州市.md,陇西县.md,黔西县.md", "the file picker lists the folder: " + files);
    const layouts = await page.$$eval("#layout option", (o) => o.map((x) => x.value));
    check(layouts.join(",") === ",briefing,document,official,plain", "the layout picker: " + layouts);
    let pdf = await previewText(page, tmp, "first.pdf");
    check(pdf.text.includes("盘州市") && pdf.pages >= 3, "the preview shows 盘州市's brief (" + pdf.pages + " pages)");
    const gutterLines = await page.$eval("#gutter", (g) => g.textContent.trim().split("\n").length);
    const sourceLines = await page.$eval("#source", (t) => t.value.split("\n").length);
    check(gutterLines === sourceLines, "a line number per line (" + gutterLines + "/" + sourceLines + ")");
    check(await waitForViewer(page), "the browser's PDF viewer shows the preview");
    await page.screenshot({ path: path.join(SHOTS, "serve-page.png") });

    // Type an edit at the end; the preview updates after the debounce.
    let before = await counter(page, "rendered");
    const requestsBefore = renderRequests;
    await page.focus("#source");
    await page.$eval("#source", (t) => t.setSelectionRange(t.value.length, t.value.length));
    await page.keyboard.press("Enter");
    await page.keyboard.type("浏览器里新写的一段话，预览随之更新。");
    await waitCounter(page, "rendered", before);
    pdf = await previewText(page, tmp, "edited.pdf");
    check(pdf.text.includes("浏览器里新写的一段话，预览随之更新。"), "the typed paragraph is in the preview's PDF");
    const sent = renderRequests - requestsBefore;
    check(sent >= 1 && sent <= 3, "typing 19 characters sends 1 render, not 19 (debounced; 3 at most on a busy machine): " + sent);

    // The layout picker (盘州市.md asks for briefing in its front matter; plain overrides it).
    check(pdf.text.includes("报：六盘水市委组织部"), "the front matter's briefing layout prints the 版记");
    before = await counter(page, "rendered");
    await page.select("#layout", "plain");
    await waitCounter(page, "rendered", before);
    const plain = await previewText(page, tmp, "plain.pdf");
    check(!plain.text.includes("报：六盘水市委组织部") && plain.text.includes("浏览器里新写的一段话") &&
          /^1 ?\/ ?\d+$/m.test(plain.text), "layout plain re-renders (no 版记, page numbers 1 / N)");

    // Figures upload: a changed value shows in the brief.
    const csv = fs.readFileSync(path.join(dir, "figures.csv"), "utf8");
    const value = (csv.match(/^盘州市,[^\n]*/m) || [""])[0].split(",").find((v, i) => i > 1 && /^\d+(\.\d+)?$/.test(v));
    const changedCsv = path.join(tmp, "改过的数据.csv");
    fs.writeFileSync(changedCsv, csv.split(value).join("98765"));
    before = await counter(page, "rendered");
    const input = await page.$("#figures");
    await input.uploadFile(changedCsv);
    await waitCounter(page, "rendered", before);
    const uploaded = await previewText(page, tmp, "uploaded.pdf");
    check(value && !pdf.text.includes("98765") && uploaded.text.includes("98765"),
          "the uploaded figures are used (" + value + " → 98765)");

    // An error: its line and column are listed, the gutter marks the line,
    // the editor's caret jumps there, the preview keeps the last good PDF.
    const failedBefore = await counter(page, "failed");
    await page.$eval("#source", (t) => t.setSelectionRange(t.value.length, t.value.length));
    await page.keyboard.press("Enter");
    // The bad line goes in as an edit (an input event) and the caret moves to
    // the top in the same step, before the debounced render can answer: the
    // jump to the error is then the page's doing, whatever the machine's load.
    await page.$eval("#source", (t) => {
      t.setRangeText("这里有个𰀀字。", t.selectionStart, t.selectionEnd, "end");
      t.dispatchEvent(new Event("input", { bubbles: true }));
      t.setSelectionRange(0, 0);
    });
    const lineNo = await page.$eval("#source", (t) => t.value.split("\n").findIndex((l) => l.includes("𰀀")) + 1);
    await waitCounter(page, "failed", failedBefore);
    const shown = await page.$eval("#errors li", (li) => li.textContent);
    check(shown.includes("第 " + lineNo + " 行第 5 列") && shown.includes("U+30000"), "the error shows its line: " + shown);
    const bad = await page.$$eval("#gutter .bad", (s) => s.map((x) => x.textContent));
    check(bad.join(",") === String(lineNo), "the gutter marks line " + lineNo + ": " + bad);
    const caretLine = await page.$eval("#source", (t) => t.value.slice(0, t.selectionStart).split("\n").length);
    const caretCol = await page.$eval("#source", (t) => {
      const before = t.value.slice(0, t.selectionStart);
      return Array.from(before.slice(before.lastIndexOf("\n") + 1)).length + 1;
    });
    check(caretLine === lineNo && caretCol === 5, "the editor jumped to " + caretLine + ":" + caretCol);
    const status = await page.$eval("#status", (s) => s.textContent);
    check(status.includes("错误"), "the status says there is an error: " + status);
    check(await waitForViewer(page), "the viewer still shows the last good PDF");
    await page.screenshot({ path: path.join(SHOTS, "serve-error.png") });
    await page.screenshot({ path: path.join(SHOTS, "serve-error.jpg"), type: "jpeg", quality: 70 });

    // Fixing it renders again; the error list empties.
    before = await counter(page, "rendered");
    await page.$eval("#source", (t) => t.setSelectionRange(t.value.length - 4, t.value.length - 2)); // 𰀀 is 2 UTF-16 units
    await page.keyboard.press("Backspace");
    await page.keyboard.type("吉");
    await waitCounter(page, "rendered", before);
    check((await page.$$("#errors li")).length === 0, "fixing the error clears the list");
    const fixed = await previewText(page, tmp, "fixed.pdf");
    check(fixed.text.includes("这里有个吉字"), "the fixed line is in the preview");

    // Save writes the file (atomically) in the folder.
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("status").textContent.includes("已保存"));
    const saved = fs.readFileSync(path.join(dir, "盘州市.md"), "utf8");
    check(saved.includes("这里有个吉字。") && saved.includes("浏览器里新写的一段话"), "保存 wrote the summary back");

    check(consoleErrors.length === 0, "no script errors: " + consoleErrors.join("; "));
  } finally {
    await browser.close();
    proc.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(passed + " passed, " + failed + " failed");
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log("FAIL: " + (e && e.stack ? e.stack : e));
  console.log(passed + " passed, " + (failed + 1) + " failed");
  process.exit(1);
});
