// Maildir++ quotas (the `maildirsize` file of Courier's Maildir++ spec):
//
//   line 1        the quota: "<bytes>S,<count>C" (either part optional)
//   then          "<bytes> <count>" lines, possibly negative; the usage
//                 is their sum.  Deliverers append "<size> 1" with one
//                 O_APPEND write; clients that delete append negatives.
//
// The file is rebuilt from a scan of new/ and cur/ (and of every
// .Folder/ except .Trash) when it is missing, when its quota line differs
// from the quota in force, when it has grown to 5120 bytes or more, or
// when it says "over quota" and was last written more than 15 minutes
// ago (a client may have deleted mail without updating it) — all as the
// spec says.  A rebuild writes tmp/ then renames over maildirsize.
#ifndef MAILSUITE_LOCAL_QUOTA_H_
#define MAILSUITE_LOCAL_QUOTA_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace ms::local {

struct QuotaSpec {
  uint64_t bytes = 0;  // 0: no byte limit
  uint64_t count = 0;  // 0: no message-count limit
  bool none() const { return bytes == 0 && count == 0; }
  bool operator==(const QuotaSpec&) const = default;
};

// "10000000S,1000C", "1000C", "5000S", a plain number of bytes, "0" or ""
// (no quota).  Anything else is an Error.
Result<QuotaSpec> ParseQuotaSpec(std::string_view text);
std::string FormatQuotaSpec(const QuotaSpec& spec);

struct QuotaUsage {
  int64_t bytes = 0;
  int64_t count = 0;
};

struct MaildirSizeFile {
  std::string quota_line;  // first line as written
  QuotaUsage usage;        // sum of the other lines
  bool malformed = false;  // a line that does not parse: rebuild
};
MaildirSizeFile ParseMaildirSize(std::string_view text);

// Whether a message of `size` bytes fits.
bool FitsQuota(const QuotaSpec& spec, const QuotaUsage& usage, uint64_t size);

// The quota check of one delivery to the Maildir open as maildir_fd.
// Returns the usage when the message fits; Error code 111 "mailbox full
// (quota exceeded)" when not.  spec.none(): nothing is checked — a quota
// line left in maildirsize by an earlier setting does not count: the
// operator's "no quota" wins.
Result<QuotaUsage> CheckQuota(int maildir_fd, const QuotaSpec& spec, uint64_t size);
// Records a delivered message in maildirsize (when the file exists).
void RecordDelivery(int maildir_fd, uint64_t size);

// Message size from a Maildir++ file name ("...,S=1234" or ",S=1234:2,S").
bool SizeFromName(std::string_view name, uint64_t* size);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_QUOTA_H_
