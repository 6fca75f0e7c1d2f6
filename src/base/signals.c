/* Signal handling for render and batch; see signals.h. */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "util.h"

/* The only global mutable state of brief, and only because a signal
 * handler can reach nothing else: the signal caught (volatile sig_atomic_t,
 * the one type a handler may write), and the path of the temporary file
 * being written (the registry; one slot, as the command line writes one PDF
 * at a time), which the handler passes to unlink(2), async-signal-safe. The
 * slot is written only with SIGINT and SIGTERM blocked, so the handler
 * always sees either no path or a whole one. */
static volatile sig_atomic_t caught;
static const char *volatile current_temp;
/* Set once by signals_install, before any temporary file: without the
 * handlers (brief serve, whose threads write PDFs at once) nothing is
 * registered, so the slot is never shared. */
static bool installed;

static void on_signal(int sig) {
  int saved = errno;
  const char *temp = current_temp;
  if (temp) unlink(temp);
  if (caught) _exit(128 + sig); /* a second signal: the user means now */
  caught = sig;
  errno = saved;
}

void signals_install(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  installed = true;
}

int signals_caught(void) { return caught; }

static void block_signals(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

char *signals_guarded_temp(const char *path) {
  if (!installed) return file_temp_beside(path);
  sigset_t old;
  block_signals(&old);
  char *temp = NULL;
  if (caught) {
    errno = EINTR;
  } else if ((temp = file_temp_beside(path))) {
    current_temp = temp;
  }
  int saved = errno;
  restore_signals(&old);
  errno = saved;
  return temp;
}

int signals_guarded_commit(char *temp, const char *path) {
  if (!installed) {
    int rc = file_commit_temp(temp, path), e = errno;
    if (rc != 0) file_discard_temp(temp);
    errno = e;
    return rc;
  }
  sigset_t old;
  block_signals(&old);
  int rc;
  if (caught) { /* the handler removed it, but the writer may have made it again */
    file_discard_temp(temp);
    errno = EINTR;
    rc = -1;
  } else {
    rc = file_commit_temp(temp, path);
    if (rc != 0) {
      int e = errno;
      file_discard_temp(temp);
      errno = e;
    }
  }
  current_temp = NULL;
  int saved = errno;
  restore_signals(&old);
  errno = saved;
  return rc;
}

void signals_guarded_discard(char *temp) {
  if (!installed) {
    file_discard_temp(temp);
    return;
  }
  sigset_t old;
  block_signals(&old);
  file_discard_temp(temp);
  current_temp = NULL;
  restore_signals(&old);
}
