// DKIM signing of the message remote is about to send (DESIGN, "DKIM
// signing in mailsuite-remote"; keys in control/dkimkeys, see
// lib/dkim_keys_control.h).  The domain that decides is the From:
// field's, else the envelope sender's.
//
// When the domain has a key but signing is impossible (key file missing,
// unreadable, not a key; dkimkeys malformed) the message goes out
// unsigned and a `dkim result=unsigned` line says why: OpenDKIM's
// default, and what a Postfix operator expects, since a deferral would
// hold all outgoing mail of the domain for a local misconfiguration that
// mailsuite-check reports.  A signed message logs `dkim result=signed`.
#ifndef MAILSUITE_REMOTE_DKIM_SIGNING_H_
#define MAILSUITE_REMOTE_DKIM_SIGNING_H_

#include <cstdint>
#include <string>

#include "control.h"
#include "remote/stored_message.h"

namespace ms::remote {

// Signs message when dkimkeys has a key for it (prepending the field).
void SignIfConfigured(const Control& control, const std::string& sender, StoredMessage* message, int64_t now);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_DKIM_SIGNING_H_
