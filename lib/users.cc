#include "users.h"

#include <cerrno>

#include "address.h"
#include "utf8_address.h"
#include "fd.h"
#include "text.h"

namespace ms {

namespace {

// The users database's numbers: at most 20 digits.
bool ParseField(std::string_view text, uint64_t max, uint64_t* value) {
  std::optional<uint64_t> v = ParseDecimal(text, max, 20);
  if (v) *value = *v;
  return v.has_value();
}

// Splits exactly n fields on ':'; false when there are more or fewer.
bool SplitFields(std::string_view line, size_t n, std::vector<std::string_view>* fields) {
  fields->clear();
  for (;;) {
    size_t colon = line.find(':');
    fields->push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    if (fields->size() == n) return false;
    line.remove_prefix(colon + 1);
  }
  return fields->size() == n;
}

bool IsCryptChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '/' || c == '$' || c == '=' || c == ',' || c == '-';
}

// Anything in crypt(3)'s alphabet (plus the '!'/'*' lock prefixes).  Only
// a hash starting with '$' can ever match (UserEntry::CanLogIn); others,
// like passwd's "x" or an old DES crypt, just disable the login.
bool ValidHash(std::string_view hash) {
  if (!hash.empty() && (hash.front() == '!' || hash.front() == '*')) hash.remove_prefix(1);
  for (char c : hash)
    if (!IsCryptChar(c)) return false;
  return true;
}

bool ValidHome(std::string_view home) {
  if (home.empty() || home.front() != '/' || home.size() > 1024) return false;
  for (unsigned char c : home)
    if (c < 0x20 || c == 0x7f) return false;
  std::string_view rest = home;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part == "..") return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

// The text of the line without trailing white space; "" for comments.
std::string_view Meaningful(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  if (!line.empty() && line.front() == '#') return {};
  return line;
}


// Takes the next line off *rest and returns its meaningful text.
std::string_view NextLine(std::string_view* rest) {
  size_t eol = rest->find('\n');
  std::string_view line = rest->substr(0, eol);
  *rest = eol == std::string_view::npos ? std::string_view() : rest->substr(eol + 1);
  return Meaningful(line);
}

}  // namespace

Result<Quota> ParseQuota(std::string_view text) {
  Quota q;
  if (text.empty()) return q;
  q.set = true;
  bool have_s = false, have_c = false;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty())
      return MakeError("quota ends with a comma");
    if (part.empty()) return MakeError("malformed quota part");
    // A bare number is bytes (the vpopmail habit), as if written "<n>S".
    char kind = part.back() >= '0' && part.back() <= '9' ? 'S' : part.back();
    if (kind == part.back()) part.remove_suffix(1);
    uint64_t value = 0;
    if (!ParseField(part, INT64_MAX, &value)) return MakeError("quota is not a number");
    if (kind == 'S' && !have_s) {
      q.bytes = value;
      have_s = true;
    } else if (kind == 'C' && !have_c) {
      q.count = value;
      have_c = true;
    } else {
      return MakeError("quota part must be <bytes>S or <count>C, each at most once");
    }
  }
  return q;
}

std::string FormatQuota(const Quota& q) {
  if (!q.set) return "";
  std::string out;
  if (q.bytes > 0 || q.count == 0) out = std::to_string(q.bytes) + "S";
  if (q.count > 0) {
    if (!out.empty()) out += ',';
    out += std::to_string(q.count) + "C";
  }
  return out;
}

Result<std::string> NormalizeUserAddress(std::string_view address) {
  AddressError error;
  auto mailbox = ParseMailbox(address, false, &error, true);
  if (!mailbox) return MakeError("bad address: " + mailbox.error().message);
  if (mailbox->quoted) return MakeError("bad address: quoted local parts are not supported");
  // SMTPUTF8: the local part in NFC, an internationalised domain as
  // A-labels (lib/utf8_address.h), so every spelling finds one key.
  auto local = Utf8Nfc(mailbox->local);
  if (!local) return MakeError("bad address: not well-formed UTF-8");
  return *local + "@" + ComparableDomain(mailbox->domain);
}

Result<UserEntry> ParseUserLine(std::string_view line) {
  if (line.size() > kMaxUserLine) return MakeError("line longer than 4096 octets");
  if (line.find('\0') != std::string_view::npos) return MakeError("line contains NUL");
  std::vector<std::string_view> f;
  if (!SplitFields(line, 6, &f)) return MakeError("need 6 fields address:uid:gid:home:hash:quota");
  UserEntry e;
  auto address = NormalizeUserAddress(f[0]);
  if (!address) return address.error();
  e.address = std::move(*address);
  uint64_t uid = 0, gid = 0;
  // uid/gid 0 (root) never: a virtual mailbox must not run as root.
  // 4294967295 is (uid_t)-1, "no change" to set*id.
  if (!ParseField(f[1], 4294967294u, &uid) || uid == 0) return MakeError("bad uid");
  if (!ParseField(f[2], 4294967294u, &gid) || gid == 0) return MakeError("bad gid");
  e.uid = static_cast<uid_t>(uid);
  e.gid = static_cast<gid_t>(gid);
  if (!ValidHome(f[3])) return MakeError("home must be an absolute path without '..' or control characters");
  e.home = std::string(f[3]);
  if (!ValidHash(f[4])) return MakeError("password field is not a crypt(3) hash");
  e.hash = std::string(f[4]);
  auto quota = ParseQuota(f[5]);
  if (!quota) return quota.error();
  e.quota = *quota;
  return e;
}

std::string FormatUserLine(const UserEntry& e) {
  return e.address + ":" + std::to_string(e.uid) + ":" + std::to_string(e.gid) + ":" + e.home +
         ":" + e.hash + ":" + FormatQuota(e.quota) + "\n";
}

const UserEntry* UsersDb::Find(std::string_view address) const {
  auto key = NormalizeUserAddress(address);
  if (!key) return nullptr;
  for (const auto& e : entries)
    if (e.address == *key) return &e;
  return nullptr;
}

UsersDb ParseUsers(std::string_view text) {
  UsersDb db;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::string_view line = NextLine(&text);
    if (line.empty()) continue;
    auto entry = ParseUserLine(line);
    if (entry) db.entries.push_back(std::move(*entry));
    else db.errors.push_back({number, entry.error().message});
  }
  return db;
}

Result<std::optional<UserEntry>> LookupUser(const std::string& path, std::string_view address) {
  auto key = NormalizeUserAddress(address);
  if (!key) return std::optional<UserEntry>();  // cannot be in the file
  auto text = ReadFile(path);
  if (!text) {
    if (text.error().code == ENOENT) return std::optional<UserEntry>();
    return text.error();
  }
  // Compare only the first field of each line before parsing it whole,
  // so a lookup costs one pass over the file.
  std::string_view rest = *text;
  size_t number = 0;
  while (!rest.empty()) {
    ++number;
    std::string_view line = NextLine(&rest);
    size_t colon = line.find(':');
    std::string_view first = line.substr(0, colon);
    // Normalising only lower-cases, so a match must already be equal but
    // for ASCII case: that cheap test skips almost every line unparsed.
    // (A non-ASCII first field may normalise to the key: NFC, A-labels.)
    if (IsAscii(first) && !EqualsIgnoringCase(first, *key)) continue;
    auto normal = NormalizeUserAddress(first);
    if (!normal || *normal != *key) continue;
    auto entry = ParseUserLine(line);
    if (!entry)
      return MakeError(path + " line " + std::to_string(number) + ": " + entry.error().message);
    return std::optional<UserEntry>(std::move(*entry));
  }
  return std::optional<UserEntry>();
}

}  // namespace ms
