// mailsuite-dkim keygen [-t rsa|ed25519] [-b bits] domain selector
// mailsuite-dkim verify < message
//
// keygen writes a new private key to control/dkim/DOMAIN.SELECTOR.pem
// (mode 0640, group msremote: mailsuite-remote signs as msremote) and
// prints the DNS TXT record to publish.  It never overwrites a key.
// verify checks every DKIM signature of the message on fd 0 (the first
// 10) and prints one line per signature: `d=DOMAIN s=SELECTOR RESULT
// (reason)`.  Exit: 0 when one passes, 1 when none does, 111 when none
// passes and a key lookup failed temporarily, 100 on usage errors or
// when keygen cannot write the key.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>

#include "control.h"
#include "dkim_crypto.h"
#include "dkim_dns.h"
#include "dkim_verify.h"
#include "fd.h"
#include "version.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitNoPass = 1;
constexpr int kExitTemporary = 111;
constexpr int kExitUsage = 100;
constexpr int64_t kDnsTimeoutMs = 30000;
constexpr const char* kKeyGroup = "msremote";

int Usage() {
  std::cerr << "usage: mailsuite-dkim keygen [-t rsa|ed25519] [-b bits] domain selector\n"
               "       mailsuite-dkim verify < message\n";
  return kExitUsage;
}

int Fail(const std::string& text) {
  std::cerr << "mailsuite-dkim: " << text << "\n";
  return kExitUsage;
}

bool SafeName(const std::string& s) {
  if (s.empty() || s.size() > 253 || s[0] == '.') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Writes pem as path, created 0600 then given group kKeyGroup and 0640;
// linked into place so an existing key is never replaced.
int WriteKey(const std::string& path, const std::string& pem) {
  std::string tmp = path + ".new." + std::to_string(getpid());
  ms::UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Fail("unable to create " + tmp + ": " + std::strerror(errno));
  bool ok = ms::WriteAll(fd.get(), pem) && fsync(fd.get()) == 0;
  struct group* gr = getgrnam(kKeyGroup);
  if (ok && gr) ok = fchown(fd.get(), static_cast<uid_t>(-1), gr->gr_gid) == 0;
  if (ok) ok = fchmod(fd.get(), 0640) == 0;
  if (!ok || link(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    unlink(tmp.c_str());
    return Fail("unable to write " + path + ": " + why);
  }
  unlink(tmp.c_str());
  ms::SyncDirectory(path);
  if (!gr) {
    std::cerr << "mailsuite-dkim: warning: no group " << kKeyGroup << ": " << path
              << " is 0640 in your own group; give it to the group mailsuite-remote runs as\n";
  }
  return 0;
}

int Keygen(int argc, char** argv) {
  ms::dkim::Algorithm algorithm = ms::dkim::Algorithm::kRsaSha256;
  int bits = 2048;
  int i = 2;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    std::string opt = argv[i];
    if (i + 1 >= argc) return Usage();
    std::string value = argv[++i];
    if (opt == "-t" && value == "rsa") {
      algorithm = ms::dkim::Algorithm::kRsaSha256;
    } else if (opt == "-t" && value == "ed25519") {
      algorithm = ms::dkim::Algorithm::kEd25519Sha256;
    } else if (opt == "-b") {
      char* end = nullptr;
      long b = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || b < 1024 || b > 8192) return Fail("-b: bits between 1024 and 8192");
      bits = static_cast<int>(b);
    } else {
      return Usage();
    }
  }
  if (argc - i != 2) return Usage();
  std::string domain = argv[i], selector = argv[i + 1];
  if (!SafeName(domain) || !SafeName(selector)) return Fail("domain and selector: letters, digits, - and .");
  ms::Control control;
  std::string dir = control.PathOf("dkim");
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Fail("unable to create " + dir + ": " + std::strerror(errno));
  std::string path = dir + "/" + domain + "." + selector + ".pem";
  if (access(path.c_str(), F_OK) == 0) return Fail(path + " exists; choose a new selector");
  auto key = ms::dkim::GenerateKey(algorithm, bits);
  if (!key.ok()) return Fail(key.error().message);
  auto pub = ms::dkim::PublicKeyBytes(key->get());
  if (!pub.ok()) return Fail(pub.error().message);
  if (int rc = WriteKey(path, ms::dkim::PrivateKeyPem(key->get())); rc != 0) return rc;
  std::string record = std::string("v=DKIM1; k=") +
                       (algorithm == ms::dkim::Algorithm::kRsaSha256 ? "rsa" : "ed25519") +
                       "; p=" + ms::dkim::Base64Encode(*pub);
  // One TXT record; a character-string holds at most 255 bytes.
  std::string quoted;
  for (size_t pos = 0; pos < record.size(); pos += 255) {
    if (pos) quoted += " ";
    quoted += "\"" + record.substr(pos, 255) + "\"";
  }
  std::cerr << "mailsuite-dkim: wrote " << path << "\n";
  std::cout << selector << "._domainkey." << domain << ". IN TXT " << quoted << "\n";
  return 0;
}

int Verify() {
  ms::dkim::VerifyOptions options;
  options.now = static_cast<int64_t>(std::time(nullptr));
  ms::dkim::Verifier verifier(options);
  char buf[65536];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::cerr << "mailsuite-dkim: unable to read the message: " << std::strerror(errno) << "\n";
      return kExitTemporary;
    }
    if (n == 0) break;
    verifier.Update(std::string_view(buf, static_cast<size_t>(n)));
  }
  auto results = verifier.Finish(
      [](const std::string& name) { return ms::dkim::LookupTxt(name, kDnsTimeoutMs); });
  bool pass = false, temporary = false;
  for (const auto& r : results) {
    std::cout << "d=" << r.domain << " s=" << r.selector << " " << ms::dkim::OutcomeName(r.outcome) << " ("
              << r.reason << (r.testing ? "; key in testing mode" : "") << ")\n";
    pass = pass || r.outcome == ms::dkim::Outcome::kPass;
    temporary = temporary || r.outcome == ms::dkim::Outcome::kTempError;
  }
  if (results.empty()) std::cout << "no DKIM signature\n";
  if (verifier.skipped()) std::cout << verifier.skipped() << " more signatures not checked\n";
  return pass ? kExitPass : temporary ? kExitTemporary : kExitNoPass;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-dkim");
  if (argc < 2) return Usage();
  std::string command = argv[1];
  if (command == "keygen") return Keygen(argc, argv);
  if (command == "verify" && argc == 2) return Verify();
  return Usage();
}
