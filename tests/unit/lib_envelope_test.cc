#include <catch2/catch.hpp>

#include "envelope.h"

using namespace std::string_literals;

TEST_CASE("envelope round trip", "[envelope]") {
  ms::Envelope e{"a@b.example", {"c@d.example", "e@f.example"}};
  std::string wire = ms::EncodeEnvelope(e);
  REQUIRE(wire == "Fa@b.example\0Tc@d.example\0Te@f.example\0\0"s);
  ms::EnvelopeError err;
  auto d = ms::DecodeEnvelope(wire, &err);
  REQUIRE(d.ok());
  CHECK(d->sender == "a@b.example");
  CHECK(d->recipients == e.recipients);
}

TEST_CASE("envelope malformed forms", "[envelope]") {
  ms::EnvelopeError err;
  CHECK(!ms::DecodeEnvelope(""s, &err).ok());
  CHECK(err == ms::EnvelopeError::kTruncated);
  CHECK(!ms::DecodeEnvelope("Xa\0Tb\0\0"s, &err).ok());
  CHECK(err == ms::EnvelopeError::kFormat);
  CHECK(!ms::DecodeEnvelope("Fa\0\0"s, &err).ok());  // no recipient
  CHECK(err == ms::EnvelopeError::kFormat);
  CHECK(!ms::DecodeEnvelope("Fa\0Tb\0"s, &err).ok());  // no final NUL
  CHECK(err == ms::EnvelopeError::kTruncated);
  CHECK(!ms::DecodeEnvelope("Fa\0Tb\0\0junk"s, &err).ok());
  CHECK(err == ms::EnvelopeError::kFormat);
  CHECK(!ms::DecodeEnvelope("Fa\0T\0\0"s, &err).ok());  // empty recipient
  CHECK(err == ms::EnvelopeError::kFormat);
  CHECK(!ms::DecodeEnvelope("Fa\0Qb\0\0"s, &err).ok());
  CHECK(err == ms::EnvelopeError::kFormat);
  std::string big = "F" + std::string(2000, 'x') + "\0Tb\0\0"s;
  CHECK(!ms::DecodeEnvelope(big, &err).ok());
  CHECK(err == ms::EnvelopeError::kTooLong);
  auto null_sender = ms::DecodeEnvelope("F\0Tb@c\0\0"s, &err);
  REQUIRE(null_sender.ok());
  CHECK(null_sender->sender.empty());
}

namespace {

ms::EnvelopeError Kind(std::string_view wire, size_t max = ms::kMaxEnvelopeAddress) {
  ms::EnvelopeError err;
  auto r = ms::DecodeEnvelope(wire, &err, max);
  CHECK(r.ok() == (err == ms::EnvelopeError::kNone));
  if (!r.ok()) CHECK(!r.error().message.empty());
  return err;
}

}  // namespace

TEST_CASE("envelope: every truncation point is detected", "[lib][envelope]") {
  std::string wire = "Fa@b\0Tc@d\0Te@f\0\0"s;
  for (size_t n = 0; n < wire.size(); ++n) {
    INFO(n);
    ms::EnvelopeError kind = Kind(std::string_view(wire).substr(0, n));
    // "Fa@b\0" alone and "Fa@b\0\0"-like prefixes: no recipient yet.
    CHECK(kind != ms::EnvelopeError::kNone);
  }
  CHECK(Kind(wire) == ms::EnvelopeError::kNone);
  CHECK(Kind("F"s) == ms::EnvelopeError::kTruncated);
  CHECK(Kind("Fa"s) == ms::EnvelopeError::kTruncated);
  CHECK(Kind("Fa\0"s) == ms::EnvelopeError::kTruncated);
  CHECK(Kind("Fa\0T"s) == ms::EnvelopeError::kTruncated);
  CHECK(Kind("Fa\0Tb"s) == ms::EnvelopeError::kTruncated);
}

TEST_CASE("envelope: malformed structure", "[lib][envelope]") {
  CHECK(Kind("\0"s) == ms::EnvelopeError::kFormat);
  CHECK(Kind("T\0Tb\0\0"s) == ms::EnvelopeError::kFormat);
  CHECK(Kind("Fa\0\0\0"s) == ms::EnvelopeError::kFormat);        // no recipient, then junk
  CHECK(Kind("Fa\0Tb\0Fc\0\0"s) == ms::EnvelopeError::kFormat);  // second F
  CHECK(Kind("Fa\0Tb\0\0\0"s) == ms::EnvelopeError::kFormat);    // data after the end
  CHECK(Kind("Fa\0Tb\0T\0\0"s) == ms::EnvelopeError::kFormat);   // empty second recipient
  CHECK(Kind("fa\0Tb\0\0"s) == ms::EnvelopeError::kFormat);      // lower-case kind
  CHECK(Kind("Fa\0tb\0\0"s) == ms::EnvelopeError::kFormat);
  CHECK(Kind("Fa\nTb\n\n"s) == ms::EnvelopeError::kTruncated);  // newlines are not separators
}

TEST_CASE("envelope: address length limit", "[lib][envelope]") {
  std::string at_limit(64, 'x');
  CHECK(Kind("F" + at_limit + "\0T"s + at_limit + "\0\0"s, 64) == ms::EnvelopeError::kNone);
  CHECK(Kind("F" + at_limit + "y\0Tb\0\0"s, 64) == ms::EnvelopeError::kTooLong);
  CHECK(Kind("Fa\0T"s + at_limit + "y\0\0"s, 64) == ms::EnvelopeError::kTooLong);
  // An over-long address that never ends is "too long", not "truncated".
  std::string huge(10 * 1024 * 1024, 'x');
  CHECK(Kind("F" + huge) == ms::EnvelopeError::kTooLong);
  CHECK(Kind("Fa\0T"s + huge) == ms::EnvelopeError::kTooLong);
}

TEST_CASE("envelope: many recipients and odd bytes survive a round trip", "[lib][envelope]") {
  ms::Envelope e;
  e.sender = "";
  for (int i = 0; i < 10000; ++i) e.recipients.push_back("r" + std::to_string(i) + "@x.example");
  e.recipients.push_back("\x01\xff weird \"quoted\"@x");
  ms::EnvelopeError err;
  auto d = ms::DecodeEnvelope(ms::EncodeEnvelope(e), &err);
  REQUIRE(d.ok());
  CHECK(d->sender.empty());
  CHECK(d->recipients == e.recipients);
}
