#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "fd.h"
#include "queue/envelope_reader.h"
#include "queue/queue_exit.h"

using ms::queue::EnvelopeScanner;
using ms::queue::ReadEnvelope;

namespace {
// Runs ReadEnvelope on data written into a pipe (the writer end closed).
ms::Result<ms::queue::ReadEnvelopeResult> FromPipe(const std::string& data) {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  REQUIRE(data.size() < 60000);
  REQUIRE(ms::WriteAll(w.get(), data));
  w.reset();
  return ReadEnvelope(r.get());
}
int CodeOf(const std::string& data) {
  auto r = FromPipe(data);
  return r ? 0 : r.error().code;
}
}  // namespace

TEST_CASE("envelope reader: stops at the final NUL", "[queue][envelope]") {
  using namespace std::string_literals;
  auto r = FromPipe("Fa@b\0Tc@d\0Te@f\0\0trailing junk"s);
  REQUIRE(r);
  CHECK(r->raw == "Fa@b\0Tc@d\0Te@f\0\0"s);
  CHECK(r->envelope.recipients.size() == 2);
  EnvelopeScanner s;
  CHECK(s.Feed("F") == EnvelopeScanner::State::kNeedMore);
  CHECK(s.Feed("\0T"s) == EnvelopeScanner::State::kNeedMore);
  CHECK(s.Feed("x\0"s) == EnvelopeScanner::State::kNeedMore);
  CHECK(s.Feed("\0"s) == EnvelopeScanner::State::kComplete);
}

TEST_CASE("envelope reader: exit codes for bad envelopes", "[queue][envelope]") {
  using namespace std::string_literals;
  using namespace ms::queue;
  CHECK(CodeOf("Fa@b\0Tc@d\0\0"s) == 0);
  CHECK(CodeOf("Fa@b\0\0"s) == kEnvelopeFormat);       // no recipient
  CHECK(CodeOf("Xa@b\0Tc\0\0"s) == kEnvelopeFormat);
  CHECK(CodeOf("Fa@b\0Xc\0\0"s) == kEnvelopeFormat);
  CHECK(CodeOf("Fa@b\0T\0\0"s) == kEnvelopeFormat);    // empty recipient
  CHECK(CodeOf("Fa@b\0Tc@d\0"s) == kUnreadableInput);  // truncated
  CHECK(CodeOf("") == kUnreadableInput);
  CHECK(CodeOf("F" + std::string(1001, 'a') + "\0Tb\0\0"s) == kAddressTooLong);
  CHECK(CodeOf("Fa\0T" + std::string(5000, 'b')) == kAddressTooLong);  // refused before the end
  CHECK(CodeOf("F" + std::string(1000, 'a') + "\0Tb\0\0"s) == 0);
}
