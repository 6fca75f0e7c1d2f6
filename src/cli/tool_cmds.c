/* The commands that talk to other systems: print, mail, send, serve,
 * import. In brief-tools only (`brief` runs it for them: main.c). */
#include <stdio.h>

#include "commands.h"
#include "import_cmd.h"
#include "mailcmd.h"
#include "options.h"
#include "print.h"
#include "send.h"
#include "serve.h"

int cli_print(const void *args, const str_list *inputs) { /* needs no fonts or layouts */
  const print_args *a = args;
  print_options o = {a->printer, a->copies, a->sides, a->dry_run};
  return print_command(&o, inputs->items, inputs->len);
}

int cli_import(const void *args, const str_list *inputs) { /* needs no fonts */
  const import_args *a = args;
  return import_command(&(import_options){a->output}, inputs);
}

int cli_send(const void *args, const str_list *inputs) { /* needs no fonts */
  const send_args *a = args;
  if (inputs->len != 1) {
    fprintf(stderr, "brief: error: send takes one folder, e.g. brief send out --smtp smtp://mail.example.gov.cn:587\n");
    return 2;
  }
  send_options o = {inputs->items[0], a->smtp, a->user, a->cacert, a->dry_run, a->insecure_plain_auth};
  return send_command(&o);
}

int cli_mail(const void *args, const str_list *inputs) {
  const mail_args *a = args;
  cli_engine c;
  if (cli_engine_open(&c, a->data) != 0) return 1;
  str_list summaries = {0};
  cli_collect_inputs(inputs, &summaries);
  mail_options o = {a->output, a->from, a->contacts, a->figures, a->layout, c.paths.data_dir};
  int rc = mail_command(c.engine, &o, &summaries);
  str_list_free(&summaries);
  cli_engine_close(&c);
  return rc;
}

static int serve_folder(brief_engine *e, const serve_args *a, const str_list *inputs) {
  long port = a->port ? cli_number_arg(a->port, 0, 65535) : 8420;
  long limit = a->time_limit ? cli_number_arg(a->time_limit, 1, 3600000) : 0;
  long jobs = a->jobs ? cli_number_arg(a->jobs, 1, 256) : 0;
  if (inputs->len > 1 || port < 0 || limit < 0 || jobs < 0) {
    fprintf(stderr, "brief: error: serve takes one folder, --port 0-65535, --time-limit MS and --jobs N, "
                    "e.g. brief serve input --port 8420\n");
    return 2;
  }
  serve_options o = {inputs->len ? inputs->items[0] : NULL, a->host, (int)port, (double)limit, (int)jobs,
                     a->allow_host};
  return serve_run(e, &o);
}

int cli_serve(const void *args, const str_list *inputs) {
  const serve_args *a = args;
  cli_engine c;
  if (cli_engine_open(&c, a->data) != 0) return 1;
  int rc = serve_folder(c.engine, a, inputs);
  cli_engine_close(&c);
  return rc;
}
