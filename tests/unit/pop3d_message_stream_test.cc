#include <catch2/catch.hpp>

#include <string>

#include "pop3d/message_stream.h"

using ms::pop3d::MessageConverter;

namespace {

// Converts input fed in pieces of `chunk` octets.
std::string Convert(const std::string& input, int64_t lines, size_t chunk) {
  MessageConverter c(lines);
  std::string out;
  for (size_t i = 0; i < input.size(); i += chunk) {
    if (!c.Feed(std::string_view(input).substr(i, chunk), &out)) break;
  }
  c.Finish(&out);
  return out;
}

std::string ConvertAllSplits(const std::string& input, int64_t lines) {
  std::string whole = Convert(input, lines, input.size() + 1);
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    std::string split = Convert(input, lines, chunk);
    if (split != whole) return "chunk " + std::to_string(chunk) + " differs: " + split;
  }
  return whole;
}

constexpr int64_t kAll = MessageConverter::kWholeMessage;

}  // namespace

TEST_CASE("pop3 output: bare LF becomes CRLF, CRLF stays", "[pop3d]") {
  CHECK(ConvertAllSplits("a\nb\r\nc\n", kAll) == "a\r\nb\r\nc\r\n.\r\n");
  CHECK(ConvertAllSplits("x\r\r\n", kAll) == "x\r\r\n.\r\n");
}

TEST_CASE("pop3 output: dot-stuffing", "[pop3d]") {
  CHECK(ConvertAllSplits(".\n..x\n.\r\nend.\n", kAll) == "..\r\n...x\r\n..\r\nend.\r\n.\r\n");
  CHECK(ConvertAllSplits(".", kAll) == "..\r\n.\r\n");
}

TEST_CASE("pop3 output: unterminated last line and empty message", "[pop3d]") {
  CHECK(ConvertAllSplits("no newline", kAll) == "no newline\r\n.\r\n");
  CHECK(ConvertAllSplits("", kAll) == ".\r\n");
  CHECK(ConvertAllSplits("cr at end\r", kAll) == "cr at end\r\r\n.\r\n");
}

TEST_CASE("pop3 output: TOP sends headers and n body lines", "[pop3d]") {
  std::string m = "A: 1\nB: 2\n\nl1\n.l2\nl3\n";
  CHECK(ConvertAllSplits(m, 0) == "A: 1\r\nB: 2\r\n\r\n.\r\n");
  CHECK(ConvertAllSplits(m, 2) == "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n");
  CHECK(ConvertAllSplits(m, 100) == "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
  std::string crlf = "A: 1\r\n\r\nbody\r\nmore\r\n";
  CHECK(ConvertAllSplits(crlf, 1) == "A: 1\r\n\r\nbody\r\n.\r\n");
  // A message without a header/body separator is all headers.
  CHECK(ConvertAllSplits("A: 1\nB: 2", 0) == "A: 1\r\nB: 2\r\n.\r\n");
}

TEST_CASE("pop3 output: NUL and 8-bit octets pass unchanged", "[pop3d]") {
  std::string m("a\0b\xff\n", 5);
  CHECK(ConvertAllSplits(m, kAll) == std::string("a\0b\xff\r\n.\r\n", 9));
}
