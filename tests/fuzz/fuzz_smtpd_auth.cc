// libFuzzer target for SMTP AUTH: the base64 and PLAIN decoders, and the
// AUTH exchange inside the real session (plaintext allowed, a checker
// that rejects everyone, no fail delay) over a memory transport.
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpd/auth.h"
#include "smtpd/session.h"
#include "tests/unit/smtpd_memory_io.h"

using namespace ms::smtpd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // As in mailsuite-smtpd's main: a checker that exits without reading
  // fd 3 must show up as a write error, not kill the process.
  static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)sigpipe_ignored;
  if (size == 0) return 0;
  unsigned knobs = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  if (auto decoded = DecodeBase64(input)) {
    if (decoded->size() > input.size()) std::abort();
    if (auto c = ParsePlain(*decoded)) {
      if (c->user.empty() || c->user.find('\0') != std::string::npos) std::abort();
    }
  }

  Config config = testing::TestConfig();
  AuthConfig auth_config;
  auth_config.checker = {"/bin/false"};
  auth_config.allow_plaintext = true;
  auth_config.required = (knobs & 1) != 0;
  auth_config.fail_delay_ms = 0;
  Auth auth(auth_config, nullptr);
  testing::MemoryQueue queue;
  testing::MemoryTransport transport(std::string(input), 1 + (knobs >> 4), (knobs & 2) != 0);
  Session session(config, &transport, queue.Factory(), testing::QuietHooks());
  session.add_extension(&auth);
  session.Run();
  if (session.authenticated()) std::abort();  // /bin/false accepts no one
  return 0;
}
