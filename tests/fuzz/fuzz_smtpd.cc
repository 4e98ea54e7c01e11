// libFuzzer target for mailsuite-smtpd: the command-line parser, the
// MAIL/RCPT argument parsers, the DATA decoder (with its end-of-data
// invariant) and the whole session state machine over a memory transport.
// The first input byte picks the read chunk size and configuration knobs.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpd/command.h"
#include "smtpd/data_decoder.h"
#include "smtpd/session.h"
#include "tests/unit/smtpd_memory_io.h"

using namespace ms::smtpd;

namespace {

void CheckDecoder(std::string_view in) {
  DataDecoder decoder(200);
  std::string out;
  size_t used = decoder.Feed(in, &out);
  if (decoder.done()) {
    // The message ended, so the consumed bytes end in CRLF.CRLF (or the
    // data was just ".\r\n"), whatever came before.
    std::string_view end = in.substr(0, used);
    bool ok = end == ".\r\n" || (end.size() >= 5 && end.substr(end.size() - 5) == "\r\n.\r\n");
    if (!ok) std::abort();
  } else if (used != in.size()) {
    std::abort();
  }
  if (!decoder.bare_lf() && !decoder.bare_cr() && out.find('\r') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  unsigned knobs = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  Command c = ParseCommand(input);
  MailArgs m;
  ParseMailArgs(c.arg, &m);
  RcptArgs r;
  ParseRcptArgs(c.arg, &r);
  CheckDecoder(input);

  Config config = testing::TestConfig();
  config.databytes = (knobs & 1) ? 300 : 0;
  config.maxrcpt = (knobs & 2) ? 2 : 0;
  if (knobs & 4) config.relay.relayclient = "";
  config.relay.percenthack = (knobs & 8) ? std::vector<std::string>{"example.test"} : std::vector<std::string>{};
  testing::MemoryQueue queue;
  queue.exit_code = (knobs & 16) ? 82 : 0;
  queue.custom = "Dno";
  testing::MemoryTransport transport(std::string(input), 1 + (knobs >> 5) * 3, (knobs & 32) != 0);
  Session session(config, &transport, queue.Factory(), testing::QuietHooks());
  session.Run();
  return 0;
}
