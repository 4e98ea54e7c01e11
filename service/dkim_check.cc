#include "service/dkim_check.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "control.h"
#include "dkim_crypto.h"
#include "dkim_dns.h"
#include "dkim_key.h"
#include "dkim_keys_control.h"
#include "fd.h"

namespace ms::setup {

namespace {

constexpr const char* kSigner = "msremote";  // remote/privileges.h

// Whether uid/gid may open path for reading by its mode bits (and search
// its directory).  Supplementary groups are not considered: msremote has
// none (INSTALL's accounts table).
bool ReadableBy(const std::string& path, uid_t uid, gid_t gid, std::string* why) {
  std::string dir = path.substr(0, path.rfind('/'));
  struct stat d, f;
  if (::stat(dir.c_str(), &d) != 0 || ::stat(path.c_str(), &f) != 0) {
    *why = std::strerror(errno);
    return false;
  }
  auto allowed = [&](const struct stat& st, mode_t owner_bit, mode_t group_bit, mode_t other_bit) {
    if (st.st_uid == uid) return (st.st_mode & owner_bit) != 0;
    if (st.st_gid == gid) return (st.st_mode & group_bit) != 0;
    return (st.st_mode & other_bit) != 0;
  };
  if (!allowed(d, S_IXUSR, S_IXGRP, S_IXOTH)) {
    *why = dir + " is not searchable by " + kSigner;
    return false;
  }
  if (!allowed(f, S_IRUSR, S_IRGRP, S_IROTH)) {
    *why = "not readable by " + std::string(kSigner) + " (want 0640 root:" + kSigner + ")";
    return false;
  }
  return true;
}

Verdict CheckEntry(const Control& control, const dkim::KeyEntry& e, int timeout_seconds) {
  Verdict v{false, "dkim " + e.domain + " " + e.selector, ""};
  std::string path = dkim::KeyPath(control, e.keyfile);
  if (struct passwd* pw = ::getpwnam(kSigner)) {
    std::string why;
    if (!ReadableBy(path, pw->pw_uid, pw->pw_gid, &why)) {
      v.detail = path + ": " + why;
      return v;
    }
  }
  auto pem = ReadFile(path);
  if (!pem.ok()) {
    v.detail = pem.error().message;
    return v;
  }
  auto key = dkim::PrivateKeyFromPem(*pem);
  if (!key.ok()) {
    v.detail = path + ": " + key.error().message;
    return v;
  }
  if (e.domain == "*") {
    v.ok = true;
    v.detail = path + " readable (any From: domain; its record is checked per domain)";
    return v;
  }
  std::string name = e.selector + "._domainkey." + e.domain;
  dkim::TxtAnswer answer = dkim::LookupTxt(name, timeout_seconds * 1000L);
  if (answer.status == dns::Status::kTemporary) {
    v.ok = true;
    v.detail = "key readable; DNS for " + name + " unavailable (" + answer.error + ")";
    return v;
  }
  if (answer.status == dns::Status::kNotFound) {
    v.detail = "no DKIM record published at " + name;
    return v;
  }
  auto mine = dkim::PublicKeyBytes(key->get());
  for (const std::string& text : answer.records) {
    auto record = dkim::ParseKeyRecord(text);
    if (record.ok() && mine.ok() && record->public_key == *mine) {
      v.ok = true;
      v.detail = "key readable, " + name + " matches";
      return v;
    }
  }
  v.detail = "the record at " + name + " does not match " + path;
  return v;
}

}  // namespace

std::vector<Verdict> CheckDkimKeys(const HealthOptions& options) {
  Control control(options.control_dir);
  auto entries = dkim::LoadKeyEntries(control);
  if (!entries.ok()) return {Verdict{false, "dkimkeys", entries.error().message}};
  std::vector<Verdict> verdicts;
  for (const auto& e : *entries) verdicts.push_back(CheckEntry(control, e, options.timeout_seconds));
  return verdicts;
}

}  // namespace ms::setup
