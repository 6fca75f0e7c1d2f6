/* brief send: delivers the .eml files of a folder by SMTP with libcurl,
 * each once: what was sent is recorded in OUTDIR/sent.log (Message-ID,
 * time, server reply), a failed message is tried again on the next run. */
#ifndef BRIEF_SEND_H
#define BRIEF_SEND_H

#include <stdbool.h>

typedef struct {
  const char *outdir;
  const char *smtp; /* smtp://host:port or smtps://host:port */
  const char *user; /* NULL: the login of ~/.netrc, if any */
  const char *cacert; /* CA certificates (PEM) to trust for TLS, NULL: the system's */
  bool dry_run;     /* list what would be sent to whom, send nothing */
  /* With a login over smtp://: go on without STARTTLS when the server does
   * not offer it (the password then crosses the network in clear). */
  bool insecure_plain_auth;
} send_options;

/* Returns the exit status: 0 when every message is sent (now or before). */
int send_command(const send_options *o);

#endif
