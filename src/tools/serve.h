/* `brief serve`: a local web page where authors edit a summary and see its
 * brief as they type. A thin HTTP driver (libmicrohttpd) over the engine. */
#ifndef BRIEF_SERVE_H
#define BRIEF_SERVE_H

#include "brief.h"

typedef struct {
  const char *dir;      /* the summaries' folder, or NULL: no file list, no images */
  const char *host;     /* address to listen on; NULL: 127.0.0.1 */
  int port;             /* 0: any free port (the URL printed tells which) */
  double time_limit_ms; /* per render; <= 0: the default (20 s) */
  int jobs;             /* renders at once; <= 0: the number of processors */
  const char *allow_hosts; /* NAME,NAME,...: Host names accepted besides localhost and IP addresses, or NULL */
} serve_options;

/* Serves until SIGINT or SIGTERM. Prints "brief serve: http://HOST:PORT/"
 * on stdout once listening. Returns the exit status. */
int serve_run(brief_engine *e, const serve_options *opts);

#endif
