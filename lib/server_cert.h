// The TLS key in memory, never readable by a session (issue 24).
//
// control/servercert.pem (key and chain) is root:root 0600.  A TLS server
// started as root reads it once, before it becomes its session user:
// mailsuite-tcpserver's listener (its in-process smtpd sessions inherit
// the text), the pop3d pre-login role (started as root by tcpserver with
// $UID/$GID).  A program such a process execs (rblsmtpd, then smtpd) gets
// the text through an inherited sealed memfd named in
// MAILSUITE_SERVERCERT_FD, which ImportServerCert reads, closes and
// unsets.  So the file is read by root only, and the key lives in the
// memory of the processes that serve TLS, which are non-dumpable
// (lib/become_user.h).
#ifndef MAILSUITE_LIB_SERVER_CERT_H_
#define MAILSUITE_LIB_SERVER_CERT_H_

#include <string>

#include "control.h"
#include "result.h"

namespace ms {

// Reads control/servercert.pem into memory if it exists (call as root,
// before the user switch).  Ok when there is none.
Status PreloadServerCert(const Control& control);
// Takes the text from MAILSUITE_SERVERCERT_FD when set (first thing in a
// program that serves TLS).
void ImportServerCert();
// The preloaded text, or nullptr.
const std::string* PreloadedServerCert();
// Before an exec: puts the preloaded text in a sealed memfd the program
// inherits and names it in MAILSUITE_SERVERCERT_FD.  Nothing without one.
void ExportServerCertForExec();

}  // namespace ms

#endif  // MAILSUITE_LIB_SERVER_CERT_H_
