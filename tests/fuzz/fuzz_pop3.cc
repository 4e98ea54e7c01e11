// libFuzzer target for the POP3 command path: the line reader, the
// command parser and both session state machines (pre-login with a fake
// checker, post-login over a small Maildir), fed the input in chunks whose
// size the first byte chooses.  Deletions are never committed, so every
// run sees the same Maildir.
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fd.h"
#include "pop3d/command_loop.h"
#include "pop3d/login_session.h"
#include "pop3d/maildir.h"
#include "pop3d/memory_transport.h"
#include "pop3d/transaction_session.h"

using namespace ms::pop3d;
using ms::LineReader;

namespace {

class FuzzAuthenticator : public Authenticator {
 public:
  AuthResult Authenticate(std::string_view user, std::string_view password) override {
    if (user.size() == 1) return AuthResult::kTemporaryFailure;
    return password == "ok" ? AuthResult::kSessionDone : AuthResult::kRejected;
  }
};

int MaildirFd() {
  static int fd = [] {
    char tmpl[] = "/tmp/fuzz-pop3-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    for (const char* d : {"new", "cur", "tmp"}) std::filesystem::create_directory(dir + "/" + d);
    std::ofstream(dir + "/new/1000.A.h,S=40") << "Subject: one\n\n.dot line\nbody\nno end";
    std::ofstream(dir + "/cur/900.B.h:2,S") << "A: b\r\n\r\n.\r\n..\r\n";
    std::ofstream(dir + "/new/1100.C.h") << "";
    return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = static_cast<size_t>(data[0] % 64) + 1;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  {
    FuzzAuthenticator auth;
    LoginSession session(auth, CapabilityOptions{});
    MemoryTransport t(input, chunk);
    LineReader reader(&t, false);
    Output out(t, 1);
    ServeCommands(reader, out, 1, session);
  }
  {
    static ms::pop3d::Maildir* maildir = [] {
      auto scanned = Maildir::Scan(MaildirFd());
      if (!scanned.ok()) abort();
      return new Maildir(std::move(*scanned));
    }();
    for (auto& m : maildir->messages()) m.deleted = false;
    TransactionSession session(*maildir);
    MemoryTransport t(input, chunk);
    LineReader reader(&t, true);
    Output out(t, 1);
    ServeCommands(reader, out, 1, session);
    // Every response must end its lines with CRLF.
    const std::string& o = t.output();
    for (size_t i = 0; i < o.size(); ++i) {
      if (o[i] == '\n' && (i == 0 || o[i - 1] != '\r')) abort();
    }
  }
  return 0;
}
