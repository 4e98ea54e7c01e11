// Exit codes of mailsuite-inject / sendmail: sendmail's <sysexits.h>
// values, which PHP mail(), cron and list managers already understand.
// INJECT.md says which failure gives which code.
#ifndef MAILSUITE_QUEUE_INJECT_EXIT_H_
#define MAILSUITE_QUEUE_INJECT_EXIT_H_

namespace ms::queue {

enum InjectExit : int {
  kInjected = 0,
  kInjectUsage = 64,        // EX_USAGE: bad command line
  kInjectDataError = 65,    // EX_DATAERR: bad header/address, no recipient, over databytes
  kInjectRefused = 69,      // EX_UNAVAILABLE: the queue refused for good (its exit 11-40)
  kInjectSoftware = 70,     // EX_SOFTWARE: the queue program crashed or had a bug (81)
  kInjectOsError = 71,      // EX_OSERR: no pipe, cannot start the queue program
  kInjectIoError = 74,      // EX_IOERR: standard input could not be read
  kInjectTempFail = 75,     // EX_TEMPFAIL: the queue failed temporarily (its exit 51-81)
  kInjectConfig = 78,       // EX_CONFIG: a control file could not be read
};

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_INJECT_EXIT_H_
