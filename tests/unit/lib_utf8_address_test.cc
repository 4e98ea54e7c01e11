// SMTPUTF8 addresses: lib/utf8_address.h and lib/address.h with
// allow_utf8, the envelope's U mark, the users database's NFC keys.
#include <catch2/catch.hpp>

#include <string>

#include "address.h"
#include "envelope.h"
#include "users.h"
#include "utf8_address.h"

using namespace std::string_literals;

namespace {

ms::AddressError Utf8MailboxError(const std::string& text) {
  ms::AddressError e;
  (void)ms::ParseMailbox(text, false, &e, true);
  return e;
}

}  // namespace

TEST_CASE("utf8: well-formed UTF-8 only, no control characters", "[utf8]") {
  CHECK(ms::IsCleanUtf8("jörg"));
  CHECK(ms::IsCleanUtf8("用户"));
  CHECK(ms::IsCleanUtf8("\xf0\x9f\x98\x80"));  // U+1F600, 4 octets
  CHECK(ms::IsCleanUtf8("ελληνικά-кириллица-中文"));  // mixed scripts are fine
  for (std::string bad : {"\xc0\xaf"s,              // overlong '/'
                          "\xe0\x80\xaf"s,          // overlong, 3 octets
                          "\xf0\x80\x80\xaf"s,      // overlong, 4 octets
                          "\xed\xa0\x80"s,          // UTF-16 surrogate D800
                          "\xed\xbf\xbf"s,          // surrogate DFFF
                          "\xf4\x90\x80\x80"s,      // above U+10FFFF
                          "\xff"s, "\xfe"s,         // never in UTF-8
                          "\x80"s,                  // lone continuation
                          "\xc3"s,                  // truncated sequence
                          "a\xe2\x82"s,             // truncated at the end
                          "a\0b"s,                  // NUL
                          "a\tb"s, "\x7f"s,         // C0, DEL
                          "\xc2\x85"s}) {           // C1 (NEL)
    INFO(bad);
    CHECK_FALSE(ms::IsCleanUtf8(bad));
    CHECK_FALSE(ms::Utf8Nfc(bad).has_value());
  }
}

TEST_CASE("utf8: NFC normalisation through libunistring", "[utf8]") {
  const std::string nfd = "jo\xcc\x88rg";  // o + COMBINING DIAERESIS
  const std::string nfc = "j\xc3\xb6rg";    // ö
  REQUIRE(ms::Utf8Nfc(nfd).has_value());
  CHECK(*ms::Utf8Nfc(nfd) == nfc);
  CHECK(*ms::Utf8Nfc(nfc) == nfc);
  CHECK(*ms::Utf8Nfc("plain") == "plain");
  CHECK(*ms::Utf8Nfc("\xe2\x84\xab") == "\xc3\x85");  // ANGSTROM SIGN -> Å
}

TEST_CASE("utf8: domains compare in A-label form", "[utf8]") {
  CHECK(ms::DomainToAscii("bücher.example") == "xn--bcher-kva.example");
  CHECK(ms::DomainToAscii("BÜCHER.Example") == "xn--bcher-kva.example");  // UTS #46 mapping
  CHECK(ms::DomainToAscii("bu\xcc\x88" "cher.example") == "xn--bcher-kva.example");  // NFD input
  CHECK(ms::DomainToAscii(".bücher.example") == ".xn--bcher-kva.example");
  CHECK(ms::DomainToAscii("Example.COM") == "example.com");
  CHECK(ms::DomainToAscii("[192.0.2.1]") == "[192.0.2.1]");
  CHECK(ms::DomainToAscii("例子.广告") == "xn--fsqu00a.xn--4rr70v");
  CHECK_FALSE(ms::DomainToAscii("bad\xff.example").has_value());
  CHECK(ms::ComparableAddress("jo\xcc\x88rg@Bücher.example") == "j\xc3\xb6rg@xn--bcher-kva.example");
  CHECK(ms::HostInList("bücher.example", {"xn--bcher-kva.example"}));
  CHECK(ms::HostInList("xn--bcher-kva.example", {"bücher.example"}));
  CHECK(ms::HostInList("mail.bücher.example", {".xn--bcher-kva.example"}));
  CHECK(ms::HostInList("MAIL.xn--bcher-kva.example", {".bücher.example"}));
  CHECK_FALSE(ms::HostInList("bucher.example", {"bücher.example"}));
}

TEST_CASE("utf8: which addresses need SMTPUTF8 on the wire", "[utf8]") {
  CHECK(ms::LocalPartNeedsUtf8("jörg@example.com"));
  CHECK_FALSE(ms::LocalPartNeedsUtf8("joerg@bücher.example"));
  CHECK(ms::AddressWithAsciiDomain("joerg@bücher.example") == "joerg@xn--bcher-kva.example");
  CHECK(ms::AddressWithAsciiDomain("joerg@example.com") == "joerg@example.com");
}

TEST_CASE("address: UTF-8 mailboxes with allow_utf8", "[utf8][address]") {
  ms::AddressError e;
  auto m = ms::ParseMailbox("jörg.müller@Bücher.Example", false, &e, true);
  REQUIRE(m.ok());
  CHECK(m->local == "jörg.müller");
  CHECK(m->domain == "bücher.example");
  auto q = ms::ParseMailbox("\"jörg müller\"@example.com", false, &e, true);
  REQUIRE(q.ok());
  CHECK(q->local == "jörg müller");
  CHECK(q->ToString() == "\"jörg müller\"@example.com");
  CHECK(ms::ParseMailbox("用户@例子.广告", false, &e, true).ok());
  CHECK(ms::ParseMailbox("δοκιμή@παράδειγμα.δοκιμή", false, &e, true).ok());
  // Without SMTPUTF8 they stay syntax errors.
  CHECK_FALSE(ms::ParseMailbox("jörg@example.com", false, &e).ok());
  CHECK(e == ms::AddressError::kSyntax);
  // Malformed UTF-8, controls, NUL: kBadUtf8 before any syntax rule.
  for (std::string bad : {"\xc0\xaf@x.example"s, "a\xed\xa0\x80@x.example"s, "a@b\xff.example"s,
                          "\"a\xc2\x85\"@x.example"s, "\xf4\x90\x80\x80@x.example"s}) {
    INFO(bad);
    CHECK(Utf8MailboxError(bad) == ms::AddressError::kBadUtf8);
  }
  // Octet limits hold for UTF-8: 64 octets of local part, 1000-octet ones refused.
  std::string long_local;
  while (long_local.size() < 1000) long_local += "ü";
  CHECK(Utf8MailboxError(long_local + "@x.example") == ms::AddressError::kTooLong);
  CHECK(Utf8MailboxError(std::string(32, 'a') + std::string("üüüüüüüüüüüüüüüüü") + "@x.example") ==
        ms::AddressError::kTooLong);  // 32 + 34 octets
  std::string labels;
  for (int i = 0; i < 4; ++i) labels += std::string(60, 'a') + ".";
  std::string ten_u;
  for (int i = 0; i < 10; ++i) ten_u += "ü";
  CHECK(Utf8MailboxError("ü@" + labels + ten_u) == ms::AddressError::kTooLong);  // 261 octets
  CHECK(Utf8MailboxError("ü\0@x.example"s) == ms::AddressError::kBadUtf8);     // NUL
  CHECK(Utf8MailboxError("a\0b@x.example"s) == ms::AddressError::kSyntax);      // NUL, ASCII
  // A U-label domain must have a valid A-label form.
  CHECK(Utf8MailboxError("a@-bücher.example") == ms::AddressError::kBadDomain);
  CHECK(Utf8MailboxError("a@bücher..example") == ms::AddressError::kBadDomain);
  ms::PathOptions o;
  o.allow_utf8 = true;
  auto p = ms::ParsePath("<@relay.bücher.example:用户@例子.广告>", o, &e);
  REQUIRE(p.ok());
  CHECK(p->mailbox.local == "用户");
  o.allow_utf8 = false;
  CHECK_FALSE(ms::ParsePath("<用户@例子.广告>", o, &e).ok());
}

TEST_CASE("envelope: the SMTPUTF8 mark", "[utf8][envelope]") {
  ms::Envelope e{"jörg@bücher.example", {"用户@例子.广告", "b@c.example"}};
  e.smtputf8 = true;
  std::string wire = ms::EncodeEnvelope(e);
  CHECK(wire == "Fjörg@bücher.example\0U\0T用户@例子.广告\0Tb@c.example\0\0"s);
  ms::EnvelopeError err;
  auto d = ms::DecodeEnvelope(wire, &err);
  REQUIRE(d.ok());
  CHECK(d->smtputf8);
  CHECK(d->recipients.size() == 2);
  CHECK(ms::EncodeEnvelope({"a@b", {"c@d"}}) == "Fa@b\0Tc@d\0\0"s);  // unmarked: qmail's bytes
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0Tb\0\0"s, &err)->smtputf8);
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0U\0U\0Tb\0\0"s, &err).ok());  // twice
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0Tb\0U\0\0"s, &err).ok());     // after a recipient
  // With DSN records: U comes first, then M (queue/FORMAT.md).
  auto both = ms::DecodeEnvelope("Fa\0U\0MRET=HDRS\0Tb\0RNOTIFY=NEVER\0\0"s, &err);
  REQUIRE(both.ok());
  CHECK(both->smtputf8);
  CHECK(ms::EncodeEnvelope(*both) == "Fa\0U\0MRET=HDRS\0Tb\0RNOTIFY=NEVER\0\0"s);
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0MRET=HDRS\0U\0Tb\0\0"s, &err).ok());  // U after M
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0Ux\0Tb\0\0"s, &err).ok());    // with a value
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0U\0\0"s, &err).ok());         // no recipient
  CHECK_FALSE(ms::DecodeEnvelope("Fa\0U"s, &err).ok());             // truncated
}

TEST_CASE("users: keys in NFC with A-label domains", "[utf8][users]") {
  const std::string nfd = "jo\xcc\x88rg";
  const std::string nfc = "j\xc3\xb6rg";
  CHECK(*ms::NormalizeUserAddress(nfd + "@Bücher.example") == nfc + "@xn--bcher-kva.example");
  CHECK(*ms::NormalizeUserAddress(nfc + "@xn--bcher-kva.example") == nfc + "@xn--bcher-kva.example");
  CHECK_FALSE(ms::NormalizeUserAddress("a\xc0\xaf@x.example").ok());
  ms::UsersDb db = ms::ParseUsers(nfd + "@bücher.example:1000:1000:/home/j::\n");
  REQUIRE(db.entries.size() == 1);
  CHECK(db.Find(nfc + "@xn--bcher-kva.example") != nullptr);
  CHECK(db.Find(nfd + "@BÜCHER.example") != nullptr);
}
