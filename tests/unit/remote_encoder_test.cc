#include <catch2/catch.hpp>

#include <string>

#include "remote/message_encoder.h"

using ms::remote::MessageEncoder;
using namespace std::string_literals;

namespace {

std::string Encode(const std::string& in, size_t chunk) {
  MessageEncoder e;
  std::string out;
  for (size_t i = 0; i < in.size(); i += chunk) e.Encode(std::string_view(in).substr(i, chunk), &out);
  e.Finish(&out);
  return out;
}

// Whether the DATA stream ends only at its very end, for a receiver that
// treats any of CR, LF, CRLF as a line end (the most lenient one).
bool EndsOnlyAtEnd(const std::string& data) {
  std::string padded = "\r\n" + data;
  size_t final_dot = padded.size() - 3;
  for (std::string end : {"\r\n.\r\n", "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\n", "\n.\r"}) {
    size_t dot = end.find('.');
    for (size_t at = padded.find(end); at != std::string::npos; at = padded.find(end, at + 1)) {
      if (at + dot != final_dot) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("encoder: LF to CRLF, dot-stuffing, final dot", "[remote][encoder]") {
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    CHECK(Encode("a\nb\n", chunk) == "a\r\nb\r\n.\r\n");
    CHECK(Encode("a\r\nb\r\n", chunk) == "a\r\nb\r\n.\r\n");
    CHECK(Encode(".\n..x\n", chunk) == "..\r\n...x\r\n.\r\n");
    CHECK(Encode("no end", chunk) == "no end\r\n.\r\n");
    CHECK(Encode("", chunk) == ".\r\n");
    CHECK(Encode("x\r", chunk) == "x\r\n.\r\n");
    CHECK(Encode("a\rb", chunk) == "a\r\nb\r\n.\r\n");
    CHECK(Encode("8bit \xc3\xa9 and \0 NUL\n"s, chunk) == "8bit \xc3\xa9 and \0 NUL\r\n.\r\n"s);
  }
}

TEST_CASE("encoder: smuggling sequences cannot end DATA early", "[remote][encoder]") {
  for (const std::string& hostile : {"a\n.\r\nMAIL FROM:<x>\n"s, "a\r.\rRCPT TO:<y>\r"s, "a\r\n.\nQUIT\n"s,
                                     "\n.\n"s, ".\r\n"s, "\r\r\n.\r\r\n"s, "x\n.\n.\n"s}) {
    for (size_t chunk : {1, 2, 5, 100}) {
      std::string out = Encode(hostile, chunk);
      INFO(hostile << " chunk " << chunk);
      CHECK(EndsOnlyAtEnd(out));
      CHECK(out.size() >= 3);
      CHECK(out.substr(out.size() - 5) == "\r\n.\r\n");
    }
  }
}

TEST_CASE("scan: size in CRLF form and 8-bit detection", "[remote][encoder]") {
  ms::remote::MessageFacts f;
  bool cr = false;
  ms::remote::ScanMessageChunk("ab\ncd\r", &cr, &f);
  ms::remote::ScanMessageChunk("\nef\n", &cr, &f);
  CHECK(f.crlf_size == 12);  // "ab\r\ncd\r\nef\r\n"
  CHECK_FALSE(f.eight_bit);
  ms::remote::ScanMessageChunk("\x80", &cr, &f);
  CHECK(f.eight_bit);
}
