/* SIGINT and SIGTERM during render or batch: the temporary file being
 * written is removed at once, finished PDFs (already renamed into place)
 * stay, and the driver stops at the next stage boundary with a summary and
 * exit status 128 + the signal (130, 143). A second signal exits at once. */
#ifndef BRIEF_SIGNALS_H
#define BRIEF_SIGNALS_H

/* Installs the handlers (render and batch only: other commands keep the
 * default, immediate exit). */
void signals_install(void);
/* The signal caught (SIGINT, SIGTERM), or 0. */
int signals_caught(void);

/* file_temp_beside, file_commit_temp and file_discard_temp (util.h) with the temporary
 * file registered for the handler while it exists. Registration and
 * creation, and rename and deregistration, happen with the two signals
 * blocked, so the handler never misses a temporary file nor removes a
 * renamed PDF. signals_guarded_temp fails (NULL, errno EINTR) once a signal has
 * been caught; signals_guarded_commit then removes the temporary file instead of
 * renaming it (-1, errno EINTR). One temporary file at a time. */
char *signals_guarded_temp(const char *path);
int signals_guarded_commit(char *temp, const char *path);
void signals_guarded_discard(char *temp);

#endif
