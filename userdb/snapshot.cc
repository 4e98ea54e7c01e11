#include "userdb/snapshot.h"

#include <algorithm>
#include <set>

#include "address.h"
#include "log.h"
#include "text.h"
#include "users.h"

namespace ms::userdb {

namespace {

// A field that would change the line's shape if written into it.
bool BreaksLine(std::string_view field) {
  return field.find_first_of(std::string_view(":\n\r\0", 4)) != std::string_view::npos;
}

Result<uint64_t> QuotaPart(const std::optional<std::string>& text, std::string_view what) {
  if (!text) return uint64_t{0};
  auto n = ParseDecimal(*text);
  if (!n) return MakeError(std::string(what) + " is not a number of 0 or more");
  return *n;
}

Result<std::string> UserLine(const UserRow& row) {
  std::string hash = row.password_hash.value_or("");
  for (std::string_view f : {std::string_view(row.address), std::string_view(row.uid),
                             std::string_view(row.gid), std::string_view(row.home),
                             std::string_view(hash)})
    if (BreaksLine(f)) return MakeError("a field holds ':', a line end or NUL");
  auto bytes = QuotaPart(row.quota_bytes, "quota_bytes");
  if (!bytes) return bytes.error();
  auto count = QuotaPart(row.quota_count, "quota_count");
  if (!count) return count.error();
  Quota quota;
  quota.bytes = *bytes;
  quota.count = *count;
  quota.set = row.quota_bytes.has_value() || row.quota_count.has_value();
  // control/USERS.md's own parser decides what a field may hold.
  std::string line = row.address + ":" + row.uid + ":" + row.gid + ":" + row.home + ":" + hash +
                     ":" + FormatQuota(quota);
  auto entry = ParseUserLine(line);
  if (!entry) return entry.error();
  entry->quota = quota;
  return FormatUserLine(*entry);
}

// A domain as rcpthosts takes it, lower case, optionally with a leading
// '.' (every subdomain).
Result<std::string> DomainName(std::string_view text) {
  std::string d = LowerCase(text);
  std::string_view name = d;
  if (!name.empty() && name.front() == '.') name.remove_prefix(1);
  if (!IsValidDomain(name)) return MakeError("not a domain name");
  return d;
}

void AppendNetstring(std::string* out, std::string_view data) {
  *out += std::to_string(data.size());
  *out += ':';
  *out += data;
  *out += ',';
}

// One netstring at *pos of buffer: nullopt incomplete, Error malformed.
Result<std::optional<std::string_view>> TakeNetstring(std::string_view buffer, size_t* pos) {
  size_t i = *pos;
  size_t digits = 0;
  uint64_t length = 0;
  while (i < buffer.size() && buffer[i] >= '0' && buffer[i] <= '9') {
    if (digits > 0 && length == 0) return MakeError("netstring length with a leading zero");
    length = length * 10 + static_cast<uint64_t>(buffer[i] - '0');
    if (length > kMaxFile) return MakeError("netstring longer than the limit");
    ++i;
    ++digits;
  }
  if (i == buffer.size()) return std::optional<std::string_view>();
  if (digits == 0 || buffer[i] != ':') return MakeError("netstring without a length");
  ++i;
  if (buffer.size() - i < length + 1) return std::optional<std::string_view>();
  if (buffer[i + length] != ',') return MakeError("netstring without its comma");
  *pos = i + length + 1;
  return std::optional<std::string_view>(buffer.substr(i, length));
}

}  // namespace

Result<BuildResult> BuildSnapshot(const std::vector<UserRow>& users,
                                  const std::vector<DomainRow>& domains, bool backup_mx) {
  BuildResult out;
  std::vector<std::string> lines;
  std::set<std::string> seen;
  for (const UserRow& row : users) {
    auto line = UserLine(row);
    if (!line)
      return MakeError("mailsuite_users row " + EscapeForLog(row.address) + ": " + line.error().message);
    std::string key = line->substr(0, line->find(':'));
    if (!seen.insert(key).second)
      return MakeError("mailsuite_users has " + key + " twice (the domain is compared without case)");
    lines.push_back(std::move(*line));
  }
  std::sort(lines.begin(), lines.end());
  out.snapshot.users = std::string(kUsersHeader);
  for (const auto& l : lines) out.snapshot.users += l;

  std::set<std::string> rcpt, virt;
  for (const DomainRow& row : domains) {
    auto name = DomainName(row.domain);
    if (!name) return MakeError("mailsuite_domains row " + EscapeForLog(row.domain) + ": " + name.error().message);
    if (row.kind != "mailbox" && row.kind != "relay")
      return MakeError("mailsuite_domains row " + *name + ": kind is neither mailbox nor relay");
    if (!rcpt.insert(*name).second) return MakeError("mailsuite_domains has " + *name + " twice");
    if (row.kind == "mailbox" && !backup_mx) {
      std::string prepend = name->front() == '.' ? name->substr(1) : *name;
      virt.insert(*name + ":" + prepend);
    }
  }
  for (const auto& d : rcpt) out.snapshot.rcpthosts += d + "\n";
  for (const auto& v : virt) out.snapshot.virtualdomains += v + "\n";
  if (rcpt.empty())
    out.warnings.push_back("mailsuite_domains is empty: rcpthosts and virtualdomains are written "
                           "empty, so smtpd accepts mail for no domain");
  return out;
}

bool WrittenBySync(std::string_view users_text) {
  return users_text.substr(0, kUsersHeader.size()) == kUsersHeader;
}

std::string EncodeFrame(const Snapshot& s) {
  std::string out;
  AppendNetstring(&out, s.users);
  AppendNetstring(&out, s.rcpthosts);
  AppendNetstring(&out, s.virtualdomains);
  return out;
}

Result<std::optional<Snapshot>> DecodeFrame(std::string* buffer) {
  size_t pos = 0;
  std::string_view parts[3];
  for (auto& part : parts) {
    auto taken = TakeNetstring(*buffer, &pos);
    if (!taken) return taken.error();
    if (!*taken) return std::optional<Snapshot>();
    part = **taken;
  }
  Snapshot s{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
  buffer->erase(0, pos);
  return std::optional<Snapshot>(std::move(s));
}

Status CheckSnapshot(const Snapshot& s) {
  if (!WrittenBySync(s.users)) return MakeError("users text without the sync's header");
  UsersDb db = ParseUsers(s.users);
  if (!db.errors.empty())
    return MakeError("users text line " + std::to_string(db.errors.front().line) + ": " +
                     db.errors.front().message);
  for (std::string_view f : {std::string_view(s.rcpthosts), std::string_view(s.virtualdomains)}) {
    if (f.find('\0') != std::string_view::npos) return MakeError("a control file holds NUL");
    if (!f.empty() && f.back() != '\n') return MakeError("a control file without its last line end");
  }
  return Ok{};
}

}  // namespace ms::userdb
