// control/dkimkeys: which key signs which sender domain's mail.
//   domain:selector:keyfile
// domain is matched exactly (case-insensitive) against the From: domain
// (else the envelope sender's); `*` matches any domain and signs with
// d= that domain.  An exact line wins over `*`; among equals the first
// line.  A relative keyfile is relative to the control directory (keygen
// writes dkim/DOMAIN.SELECTOR.pem).  Read by mailsuite-remote (signing)
// and mailsuite-check (key readable, DNS record matching).
#ifndef MAILSUITE_LIB_DKIM_KEYS_CONTROL_H_
#define MAILSUITE_LIB_DKIM_KEYS_CONTROL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"
#include "result.h"

namespace ms::dkim {

struct KeyEntry {
  std::string domain;  // lower case, or "*"
  std::string selector;
  std::string keyfile;  // as written
};

// Error names the first bad line.
Result<std::vector<KeyEntry>> ParseKeyEntries(const std::vector<std::string>& lines);
Result<std::vector<KeyEntry>> LoadKeyEntries(const Control& control);

struct ChosenKey {
  std::string domain;  // the d= to sign with
  std::string selector;
  std::string keyfile;
};
std::optional<ChosenKey> ChooseKey(const std::vector<KeyEntry>& entries, std::string_view domain);

// keyfile as a path: absolute as it is, else under the control directory.
std::string KeyPath(const Control& control, const std::string& keyfile);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_KEYS_CONTROL_H_
