// mailsuite's version string, set at build time by mk/version (git
// describe, or the VERSION file) and compiled into lib/version.o only.
#ifndef MAILSUITE_LIB_VERSION_H_
#define MAILSUITE_LIB_VERSION_H_

namespace ms {

const char* Version();

// Every program's -V: when "-V" is the only argument, prints
// "<program> <version>" on fd 1 and exits 0 (111 if fd 1 fails).  Only
// the sole argument counts, so positional or passed-through arguments
// (mailsuite-local's, rblsmtpd's prog..., sendmail's "-V envid") keep
// their meaning.  Call first thing in main.
void ExitIfVersionRequest(int argc, char** argv, const char* program);

}  // namespace ms

#endif  // MAILSUITE_LIB_VERSION_H_
