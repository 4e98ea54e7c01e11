#include <catch2/catch.hpp>

#include <string>

#include "smtpd/data_decoder.h"

using ms::smtpd::DataDecoder;
using namespace std::string_literals;

namespace {

struct Decoded {
  std::string out;
  size_t consumed = 0;
  bool done = false;
  bool flawed = false;
};

// Feeds in pieces of `step` bytes (0: all at once).
Decoded Decode(const std::string& in, size_t step = 0, uint64_t max_header = 100000) {
  DataDecoder d(max_header);
  Decoded r;
  size_t pos = 0;
  while (pos < in.size() && !d.done()) {
    size_t n = step ? std::min(step, in.size() - pos) : in.size() - pos;
    size_t used = d.Feed(std::string_view(in).substr(pos, n), &r.out);
    pos += used;
    if (used < n) break;
  }
  r.consumed = pos;
  r.done = d.done();
  r.flawed = d.bare_lf() || d.bare_cr();
  return r;
}

}  // namespace

TEST_CASE("smtpd DATA ends only at CRLF.CRLF and converts to LF", "[smtpd]") {
  for (size_t step : {0, 1, 2, 3, 7}) {
    Decoded r = Decode("Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b>\r\n", step);
    CHECK(r.done);
    CHECK_FALSE(r.flawed);
    CHECK(r.out == "Subject: x\n\nbody\n");
    CHECK(r.consumed == std::string("Subject: x\r\n\r\nbody\r\n.\r\n").size());
  }
  Decoded empty = Decode(".\r\n");
  CHECK(empty.done);
  CHECK(empty.out.empty());
}

TEST_CASE("smtpd DATA dot-unstuffing", "[smtpd]") {
  Decoded r = Decode("..\r\n...x\r\n.y\r\na.b\r\n.\r\n", 1);
  CHECK(r.done);
  CHECK(r.out == ".\n..x\ny\na.b\n");
}

TEST_CASE("smtpd DATA smuggling forms never end the message", "[smtpd]") {
  const std::string forms[] = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"};
  for (const auto& form : forms) {
    for (size_t step : {0, 1}) {
      std::string in = "Subject: x\r\n\r\nbody" + form + "MAIL FROM:<evil@x>\r\nRCPT TO:<v@y>\r\nDATA\r\n";
      Decoded r = Decode(in, step);
      INFO("form " << form.size() << " step " << step);
      CHECK_FALSE(r.done);
      CHECK(r.flawed);
      CHECK(r.consumed == in.size());
      // the real terminator still ends it, and the message stays flawed
      Decoded full = Decode(in + "x\r\n.\r\n", step);
      CHECK(full.done);
      CHECK(full.flawed);
    }
  }
}

TEST_CASE("smtpd DATA bare CR or LF anywhere is a flaw", "[smtpd]") {
  CHECK(Decode("a\nb\r\n.\r\n").flawed);
  CHECK(Decode("a\rb\r\n.\r\n").flawed);
  CHECK(Decode("\n\r\n.\r\n").flawed);
  CHECK(Decode("\r\r\n.\r\n").flawed);
  CHECK(Decode(".\r.\r\n.\r\n").flawed);
  CHECK(Decode(".\n\r\n.\r\n").flawed);
  CHECK_FALSE(Decode("a\0b\xff\r\n.\r\n"s).flawed);
  Decoded nul = Decode("a\0b\r\n.\r\n"s);
  CHECK(nul.out == "a\0b\n"s);
}

TEST_CASE("smtpd DATA counts octets as sent and bounds the header", "[smtpd]") {
  DataDecoder d(20);
  std::string out;
  d.Feed("A: 1234567890\r\nB: 1234567890\r\n\r\nbody\r\n", &out);
  CHECK(d.header_too_big());
  CHECK(d.octets() == 38);
  DataDecoder ok(100);
  ok.Feed("A: 1\r\n\r\n" + std::string(1000, 'x') + "\r\n.\r\n", &out);
  CHECK_FALSE(ok.header_too_big());
  CHECK(ok.done());
  DataDecoder discard(100);
  std::string none;
  discard.Discard();
  discard.Feed("abc\r\n.\r\n", &none);
  CHECK(none.empty());
  CHECK(discard.done());
  CHECK(discard.octets() == 5);
}

TEST_CASE("smtpd DATA truncated input is never done", "[smtpd]") {
  for (const char* in : {"", "abc", "abc\r\n", "abc\r\n.", "abc\r\n.\r", ".\r"}) {
    CHECK_FALSE(Decode(in).done);
  }
}

TEST_CASE("smtpd DATA counts Received: and Delivered-To: hops in the header only", "[smtpd]") {
  auto hops = [](const std::string& in, size_t step) {
    DataDecoder d(1 << 20);
    std::string out;
    for (size_t pos = 0; pos < in.size() && !d.done(); pos += step)
      d.Feed(std::string_view(in).substr(pos, std::min(step, in.size() - pos)), &out);
    CHECK(d.done());
    return d.hops();
  };
  std::string header = "Received: from a\r\n"
                       "RECEIVED:by b\r\n"
                       "\tReceived: a folded continuation, not a field\r\n"
                       "Delivered-To: x@y\r\n"
                       "delivered-to:z@y\r\n"
                       "X-Received: no\r\n"
                       "Received-SPF: no (not \"received:\")\r\n"
                       "Receivedd: no\r\n"
                       "Delivered-To no colon\r\n"
                       "Subject: Received: no\r\n";
  std::string body = "Received: in the body does not count\r\nDelivered-To: nor this\r\n";
  std::string msg = header + "\r\n" + body + ".\r\n";
  for (size_t step : {1, 2, 5, 13, 1000}) CHECK(hops(msg, step) == 4);
  // A message without a body still ends its header at the terminator.
  CHECK(hops("Received: x\r\n.\r\n", 1) == 1);
  // Dot-stuffed field names are not fields.
  CHECK(hops("..Received: x\r\n\r\n.\r\n", 3) == 0);
  // 101 of them, in any split.
  std::string many;
  for (int i = 0; i < 101; ++i) many += (i % 2 ? "Received: x\r\n" : "Delivered-To: y\r\n");
  CHECK(hops(many + "\r\nbody\r\n.\r\n", 7) == 101);
}
