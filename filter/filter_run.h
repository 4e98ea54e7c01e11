// mailsuite-filter's work for one message, as a library so that a
// long-lived worker can call it without an exec (DESIGN.md; the pooled
// workers: FILTER_POOL.md).
//
// Protocol (qmail-queue's, DESIGN.md): the message on fd 0, the envelope
// on fd 1, fd 6 (when open) for a refusal's text.  The outcome:
//   accepted  the message, with any header lines the filter adds, and the
//             same envelope go to $FILTER_NEXT; its exit code is ours;
//   refused   exit 82 after "D5.x.x TEXT" (permanent) or "Z4.x.x TEXT"
//             (temporary) on fd 6; exit 31 / 71 when fd 6 is closed;
//   discarded / quarantined  exit 0 (the client sees 250);
//   trouble   qmail-queue's codes: 53 spool write, 54 reading input,
//             55 a control file, 91 / 11 envelope format.
// One log line per message on fd 2 (filter/README.md "Log").
#ifndef MAILSUITE_FILTER_FILTER_RUN_H_
#define MAILSUITE_FILTER_FILTER_RUN_H_

namespace ms::filter {

// fd6_open: whether fd 6 was open when the program started (main checks
// before opening anything, and fills a closed fd 6 with a close-on-exec
// placeholder so no other file lands there).  queue_helper: a pooled
// worker's socket to the session's queue helper, or -1; an accepted
// message goes there instead of to an exec'd $FILTER_NEXT when that is
// mailsuite-queue (next_queue.h NextIsTheQueue).
int RunFilter(bool fd6_open, int queue_helper = -1);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_FILTER_RUN_H_
