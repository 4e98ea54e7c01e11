#include <catch2/catch.hpp>

#include <string>

#include "line_reader.h"
#include "pop3d/command_loop.h"
#include "pop3d/memory_transport.h"

using namespace std::string_literals;
using ms::Deadline;
using ms::LineReader;
using ms::pop3d::MemoryTransport;
using ms::ReadStatus;

namespace {

// Every line the reader gives, "<too long>" for a rejected one, until the
// end of input.
std::string ReadAll(const std::string& input, size_t chunk, bool read_ahead = true) {
  MemoryTransport t(input, chunk);
  LineReader reader(&t, read_ahead);
  std::string out;
  for (int guard = 0; guard < 10000; ++guard) {
    std::string_view line;
    ReadStatus s = reader.Next(&line, ms::pop3d::kMaxLine, Deadline::Never());
    if (s == ReadStatus::kEof) return out;
    if (s == ReadStatus::kTooLong) out += "<too long>|";
    if (s == ReadStatus::kOk) out += std::string(line) + "|";
  }
  return out + "<guard>";
}

}  // namespace

TEST_CASE("pop3 lines end at CRLF or LF, in any chunking", "[pop3d]") {
  for (size_t chunk : {1, 2, 3, 7, 4096}) {
    CHECK(ReadAll("STAT\r\nLIST 1\nNOOP\r\n", chunk) == "STAT|LIST 1|NOOP|");
    CHECK(ReadAll("STAT\r\nLIST 1\nNOOP\r\n", chunk, false) == "STAT|LIST 1|NOOP|");
  }
  CHECK(ReadAll("A\r\r\n", 4096) == "A\r|");  // only the last CR is the line end
  CHECK(ReadAll("\r\n\n", 4096) == "||");
  CHECK(ReadAll("US\0ER\r\n"s, 3) == "US\0ER|"s);
}

TEST_CASE("pop3 a line cut short by end of input is not a command", "[pop3d]") {
  CHECK(ReadAll("STAT\r\nQUI", 2) == "STAT|");
  CHECK(ReadAll("QUIT", 4096).empty());
}

TEST_CASE("pop3 over-long lines are refused whole", "[pop3d]") {
  std::string ok_line(510, 'x');  // 510 + CRLF = 512
  std::string long_line(511, 'y');
  for (size_t chunk : {1, 100, 511, 4096}) {
    CHECK(ReadAll(ok_line + "\r\n", chunk) == ok_line + "|");
    CHECK(ReadAll(long_line + "\r\nNOOP\r\n", chunk) == "<too long>|NOOP|");
    // A huge line's tail must never be taken for a command.
    std::string huge = std::string(100000, 'z') + "QUIT\r\nSTAT\r\n";
    CHECK(ReadAll(huge, chunk) == "<too long>|STAT|");
  }
}

TEST_CASE("pop3 reader without read-ahead leaves pipelined input unread", "[pop3d]") {
  MemoryTransport t("USER a\r\nPASS b\r\nSTAT\r\nLIST\r\n", 4096);
  LineReader reader(&t, false);
  std::string_view line;
  REQUIRE(reader.Next(&line, ms::pop3d::kMaxLine, Deadline::Never()) == ReadStatus::kOk);
  REQUIRE(reader.Next(&line, ms::pop3d::kMaxLine, Deadline::Never()) == ReadStatus::kOk);
  CHECK(line == "PASS b");
  CHECK(!reader.HasBufferedLine());
  CHECK(t.unread() == std::string("STAT\r\nLIST\r\n").size());
}

TEST_CASE("pop3 reader reports timeouts and can drop buffered input", "[pop3d]") {
  MemoryTransport t("STLS\r\nUSER injected\r\n", 4096);
  t.set_timeout_at_end(true);
  LineReader reader(&t, true);
  std::string_view line;
  REQUIRE(reader.Next(&line, ms::pop3d::kMaxLine, Deadline::Never()) == ReadStatus::kOk);
  CHECK(line == "STLS");
  CHECK(reader.HasBufferedLine());
  reader.Discard();
  CHECK(!reader.HasBufferedLine());
  CHECK(reader.Next(&line, ms::pop3d::kMaxLine, Deadline::Never()) == ReadStatus::kTimeout);
}
