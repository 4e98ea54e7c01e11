// Which dot file governs a delivery, as qmail-local's qmesearch:
// for local part "joe-foo-bar" (dash "-", ext "foo-bar") the candidates are
//   .qmail-foo-bar, .qmail-foo-default, .qmail-default
// and with an empty dash just .qmail.  The extension is lower-cased and
// '.' becomes ':' so it cannot name a hidden path.  Every candidate is
// tried as .mailsuite<suffix> first, then .qmail<suffix>.
#ifndef MAILSUITE_LOCAL_DOT_SEARCH_H_
#define MAILSUITE_LOCAL_DOT_SEARCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::local {

struct DotCandidate {
  std::string name;           // file name relative to the home directory
  bool is_default = false;    // a -default fallback
  std::string default_part;   // the part of ext it stands for ($DEFAULT)
};

std::vector<DotCandidate> DotFileCandidates(std::string_view dash, std::string_view ext);

struct FoundDotFile {
  bool found = false;
  DotCandidate candidate;
  std::string text;           // contents (may be empty: use defaultdelivery)
  bool forward_only = false;  // user-execute bit set
};

// Opens the first candidate that exists in the current directory (the
// home).  Refuses a dot file that is group- or world-writable or owned by
// someone other than the running user or root (code 111).
Result<FoundDotFile> FindDotFile(std::string_view dash, std::string_view ext);

// Whether .qmail<dash><ext>-owner (or .mailsuite...) exists: forwards then
// carry local-owner@domain as their sender (qmail's list owners).
bool OwnerDotFileExists(std::string_view dash, std::string_view ext);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_DOT_SEARCH_H_
