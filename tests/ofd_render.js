// Renders page 1 of OFD files with ofd.js (npm, Apache-2.0) in headless
// Chromium driven by puppeteer-core, as an independent reader of brief's
// OFD output. Usage: node ofd_render.js NODE_MODULES WIDTH_PX IN.ofd[#PAGE] OUT.png [...]
// (PAGE counts from 1; the default is page 1).
// Writes each page's screenshot (the page alone, WIDTH_PX wide) and prints
// one JSON line per file: {"ofd", "png", "pages", "width", "height"} or {"ofd", "error"}.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const [modulesArg, widthArg, ...pairs] = process.argv.slice(2);
const modules = path.resolve(modulesArg);
const puppeteer = require(path.join(modules, 'puppeteer-core'));
const width = Number(widthArg);
const http = require('http');
let origin = '';

// The viewer page is served from a loopback server (an http origin, as a
// real deployment has); nothing leaves the machine.
function serve() {
  const html = '<!doctype html><html><head><meta charset="utf-8"><style>' +
    'body{margin:0;background:#fff} #pages>div{margin:0 !important}</style></head>' +
    '<body><div id="pages"></div></body></html>';
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    origin = 'http://localhost:' + server.address().port;
    resolve(server);
  }));
}

async function renderOne(browser, arg, pngPath) {
  const [ofdPath, pageArg] = arg.split('#');
  const pageNo = Number(pageArg || 1);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.setViewport({ width: width + 40, height: 1400, deviceScaleFactor: 1 });
    await page.goto(origin + '/index.html');
    await page.addScriptTag({ path: path.join(modules, 'ofd.js/lib/ofd.umd.min.js') });
    const b64 = fs.readFileSync(ofdPath).toString('base64');
    const result = await page.evaluate(async (b64, width) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const api = window.ofd;
      const doc = await new Promise((resolve, reject) => {
        api.parseOfdDocument({ ofd: bytes.buffer, success: resolve, fail: reject });
        setTimeout(() => reject(new Error('ofd.js did not parse the file within 60 s')), 60000);
      });
      const divs = api.renderOfd(width, doc[0]);
      const host = document.getElementById('pages');
      for (const d of divs) host.appendChild(d);
      await new Promise((r) => setTimeout(r, 1500)); // fonts and images load asynchronously
      const first = host.firstElementChild;
      if (!first) return { pages: 0 };
      const r = first.getBoundingClientRect();
      return { pages: divs.length, x: r.left, y: r.top, width: r.width, height: r.height };
    }, b64, width);
    if (result.pages < pageNo) throw new Error(`ofd.js rendered ${result.pages} pages, no page ${pageNo}`);
    if (!result.pages) throw new Error('ofd.js rendered no page ' + errors.join('; '));
    const el = await page.$(`#pages > div:nth-child(${pageNo})`);
    const png = await el.screenshot({ path: pngPath });
    // The same pixels as a greyscale PGM beside the PNG, for a comparison
    // that needs no image library.
    const gray = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth, c.height = img.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const out = new Array(c.width * c.height);
      for (let i = 0; i < out.length; i++)
        out[i] = Math.round(0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
      return { w: c.width, h: c.height, px: out };
    }, Buffer.from(png).toString('base64'));
    fs.writeFileSync(pngPath.replace(/\.png$/, '') + '.pgm',
      Buffer.concat([Buffer.from(`P5\n${gray.w} ${gray.h}\n255\n`), Buffer.from(gray.px)]));
    return { ofd: ofdPath, png: pngPath, pages: result.pages, width: result.width, height: result.height,
             errors };
  } finally {
    await page.close();
  }
}

(async () => {
  const server = await serve();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = 0;
  try {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      try {
        console.log(JSON.stringify(await renderOne(browser, pairs[i], pairs[i + 1])));
      } catch (e) {
        failed++;
        console.log(JSON.stringify({ ofd: pairs[i], error: String(e && e.stack || e) }));
      }
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
})();
