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
