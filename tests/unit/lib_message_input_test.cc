#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "fd.h"
#include "lib_test_util.h"
#include "message_input.h"
#include "queue_layout.h"

using namespace std::string_literals;

namespace {

std::string ReadWhole(ms::MessageInput& in, size_t chunk = 7) {
  std::string out;
  std::string buf(chunk, '\0');
  for (;;) {
    ssize_t n = in.Read(buf.data(), buf.size());
    REQUIRE(n >= 0);
    if (n == 0) return out;
    out.append(buf.data(), static_cast<size_t>(n));
  }
}

std::string QueueFile(const std::string& message, const std::string& envelope) {
  ms::QueueHeader h;
  h.message_length = message.size();
  h.envelope_offset = ms::kQueueHeaderSize + message.size();
  h.envelope_length = envelope.size();
  h.queued_time = 1;
  return ms::FormatQueueHeader(h) + message + envelope;
}

}  // namespace

TEST_CASE("message input: a queue file yields only its message region", "[lib][message_input]") {
  ms::test::TempDir dir;
  std::string message = "Received: x\r\nSubject: hi\r\n\r\nbody\r\n";
  dir.Write("q", QueueFile(message, "Fa@b\0Tc@d\0\0"s));
  ms::UniqueFd fd(::open((dir / "q").c_str(), O_RDONLY));
  auto in = ms::OpenMessageInput(fd.get());
  REQUIRE(in.ok());
  CHECK(in->seekable);
  CHECK(in->bounded);
  CHECK(in->offset == ms::kQueueHeaderSize);
  CHECK(in->length == message.size());
  CHECK(ReadWhole(*in) == message);
  REQUIRE(in->Rewind());
  CHECK(ReadWhole(*in, 4096) == message);
}

TEST_CASE("message input: a plain file is the message from where fd stands", "[lib][message_input]") {
  ms::test::TempDir dir;
  dir.Write("m", "Subject: plain\n\nbody\n");
  ms::UniqueFd fd(::open((dir / "m").c_str(), O_RDONLY));
  REQUIRE(::lseek(fd.get(), 9, SEEK_SET) == 9);
  auto in = ms::OpenMessageInput(fd.get());
  REQUIRE(in.ok());
  CHECK(in->offset == 9);
  CHECK(ReadWhole(*in) == "plain\n\nbody\n");
  REQUIRE(in->Rewind());
  CHECK(ReadWhole(*in) == "plain\n\nbody\n");
}

TEST_CASE("message input: a file whose header does not match its size is plain", "[lib][message_input]") {
  ms::test::TempDir dir;
  std::string text = QueueFile("message", "Fa\0Tb\0\0"s) + "trailing junk";
  dir.Write("m", text);
  ms::UniqueFd fd(::open((dir / "m").c_str(), O_RDONLY));
  auto in = ms::OpenMessageInput(fd.get());
  REQUIRE(in.ok());
  CHECK(ReadWhole(*in) == text);
  dir.Write("short", "MSQ1");
  ms::UniqueFd s(::open((dir / "short").c_str(), O_RDONLY));
  auto in2 = ms::OpenMessageInput(s.get());
  REQUIRE(in2.ok());
  CHECK(ReadWhole(*in2) == "MSQ1");
  dir.Write("empty", "");
  ms::UniqueFd e(::open((dir / "empty").c_str(), O_RDONLY));
  auto in3 = ms::OpenMessageInput(e.get());
  REQUIRE(in3.ok());
  CHECK(ReadWhole(*in3).empty());
}

TEST_CASE("message input: a pipe is read to end of file, no rewind", "[lib][message_input]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  std::string text = QueueFile("looks like a queue file", "Fa\0Tb\0\0"s);
  REQUIRE(ms::WriteAll(w.get(), text));
  w.reset();
  auto in = ms::OpenMessageInput(r.get());
  REQUIRE(in.ok());
  CHECK(!in->seekable);
  CHECK(!in->bounded);
  CHECK(in->Rewind());  // nothing consumed yet
  CHECK(ReadWhole(*in) == text);  // a pipe is never taken for a queue file
  CHECK(!in->Rewind());
  CHECK(!ms::OpenMessageInput(-1).ok());
}
