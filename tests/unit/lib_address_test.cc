#include <catch2/catch.hpp>

#include "address.h"

using namespace std::string_literals;
using ms::AddressError;

namespace {

struct Parsed {
  bool ok;
  AddressError error;
  ms::Path path;
};

Parsed Path(std::string_view text, bool allow_null = false, bool allow_no_domain = false) {
  ms::PathOptions o;
  o.allow_null = allow_null;
  o.allow_no_domain = allow_no_domain;
  AddressError e;
  auto r = ms::ParsePath(text, o, &e);
  return Parsed{r.ok(), e, r.ok() ? *r : ms::Path{}};
}

AddressError MailboxError(std::string_view text) {
  AddressError e;
  auto r = ms::ParseMailbox(text, false, &e);
  CHECK(r.ok() == (e == AddressError::kNone));
  return e;
}

std::string Label(size_t n) { return std::string(n, 'a'); }

}  // namespace

TEST_CASE("address: ordinary path", "[lib][address]") {
  auto p = Path("<user@example.com>");
  REQUIRE(p.ok);
  CHECK(!p.path.null);
  CHECK(!p.path.had_source_route);
  CHECK(p.path.mailbox.local == "user");
  CHECK(p.path.mailbox.domain == "example.com");
  CHECK(p.path.mailbox.ToString() == "user@example.com");
}

TEST_CASE("address: null path only where allowed", "[lib][address]") {
  auto p = Path("<>", true);
  REQUIRE(p.ok);
  CHECK(p.path.null);
  auto q = Path("<>", false);
  CHECK(!q.ok);
  CHECK(q.error == AddressError::kSyntax);
}

TEST_CASE("address: source route is validated and dropped", "[lib][address]") {
  auto p = Path("<@a.example,@b.example:user@c.example>");
  REQUIRE(p.ok);
  CHECK(p.path.had_source_route);
  CHECK(p.path.mailbox.ToString() == "user@c.example");
  CHECK(Path("<@a:user@c>").ok);
  CHECK(Path("<@[192.0.2.1]:user@c>").ok);
  for (auto bad : {"<@a,@b>", "<@:user@c>", "<@a,b:user@c>", "<@a,@:u@c>", "<@a:>", "<@-a:u@c>",
                   "<@a;@b:u@c>", "<@>", "<@a,,@b:u@c>"}) {
    INFO(bad);
    auto r = Path(bad);
    CHECK(!r.ok);
    CHECK(r.error != AddressError::kNone);
  }
}

TEST_CASE("address: brackets are required around a path", "[lib][address]") {
  for (auto bad : {"user@example.com", "<user@example.com", "user@example.com>", "<", ">", "",
                   "<user@example.com> extra", " <user@example.com>"}) {
    INFO(bad);
    auto r = Path(bad);
    CHECK(!r.ok);
    CHECK(r.error == AddressError::kSyntax);
  }
  CHECK(Path("<user@example.com>>").error == AddressError::kBadDomain);
}

TEST_CASE("address: domains are lower-cased, local parts kept", "[lib][address]") {
  auto p = Path("<John.Smith@Mail.EXAMPLE.Com>");
  REQUIRE(p.ok);
  CHECK(p.path.mailbox.local == "John.Smith");
  CHECK(p.path.mailbox.domain == "mail.example.com");
}

TEST_CASE("address: percent hack stays in the local part", "[lib][address]") {
  auto p = Path("<user%host@relay.example>");
  REQUIRE(p.ok);
  CHECK(p.path.mailbox.local == "user%host");
  CHECK(p.path.mailbox.domain == "relay.example");
}

TEST_CASE("address: IPv4 literals", "[lib][address]") {
  AddressError e;
  auto m = ms::ParseMailbox("user@[192.0.2.1]", false, &e);
  REQUIRE(m.ok());
  CHECK(m->IsLiteral());
  CHECK(m->domain == "[192.0.2.1]");
  CHECK(MailboxError("user@[255.255.255.255]") == AddressError::kNone);
  for (auto bad : {"user@[999.1.1.1]", "user@[256.1.1.1]", "user@[1.2.3]", "user@[1.2.3.4.5]",
                   "user@[1234.1.1.1]", "user@[1..2.3]", "user@[]", "user@[1.2.3.4",
                   "user@[a.b.c.d]", "user@[1.2.3.4 ]", "user@[-1.2.3.4]", "user@[tag:foo]"}) {
    INFO(bad);
    CHECK(MailboxError(bad) == AddressError::kBadLiteral);
  }
}

TEST_CASE("address: IPv6 literals", "[lib][address]") {
  AddressError e;
  auto m = ms::ParseMailbox("user@[ipv6:2001:DB8::1]", false, &e);
  REQUIRE(m.ok());
  CHECK(m->domain == "[IPv6:2001:db8::1]");
  CHECK(MailboxError("user@[IPv6:::1]") == AddressError::kNone);
  CHECK(MailboxError("user@[IPv6:::ffff:192.0.2.1]") == AddressError::kNone);
  CHECK(MailboxError("user@[IPv6:2001:db8:0:0:0:0:0:1]") == AddressError::kNone);
  for (auto bad : {"user@[IPv6:zz::1]", "user@[IPv6:1.2.3.4]", "user@[IPv6:]", "user@[IPv6:1:2:3:4:5:6:7:8:9]",
                   "user@[IPv6:2001:db8::1%eth0]", "user@[IPv6:2001:::1]", "user@[IPv6 ::1]"}) {
    INFO(bad);
    CHECK(MailboxError(bad) == AddressError::kBadLiteral);
  }
}

TEST_CASE("address: quoted local parts", "[lib][address]") {
  AddressError e;
  auto m = ms::ParseMailbox("\"john doe\"@example.com", false, &e);
  REQUIRE(m.ok());
  CHECK(m->quoted);
  CHECK(m->local == "john doe");
  CHECK(m->ToString() == "\"john doe\"@example.com");
  auto esc = ms::ParseMailbox(R"("a\"b\\c"@x.example)", false, &e);
  REQUIRE(esc.ok());
  CHECK(esc->local == R"(a"b\c)");
  CHECK(esc->ToString() == R"("a\"b\\c"@x.example)");
  // Quoting that was not needed is dropped when written again.
  auto plain = ms::ParseMailbox("\"simple\"@x.example", false, &e);
  REQUIRE(plain.ok());
  CHECK(plain->ToString() == "simple@x.example");
  auto empty = ms::ParseMailbox("\"\"@x.example", false, &e);
  REQUIRE(empty.ok());
  CHECK(empty->ToString() == "\"\"@x.example");
  for (auto bad : {"\"unterminated@x.example", "\"abc\\", "\"a\"b@x.example", "\"a\tb\"@x.example",
                   "\"\"", "\"a\"", "\"a\\\x01\"@x"}) {
    INFO(bad);
    CHECK(MailboxError(bad) != AddressError::kNone);
  }
  CHECK(MailboxError("\"unterminated@x.example") == AddressError::kSyntax);
}

TEST_CASE("address: dot-string rules", "[lib][address]") {
  for (auto bad : {".user@x.example", "user.@x.example", "us..er@x.example", "@x.example",
                   "us er@x.example", "us(er@x.example", "us,er@x.example",
                   "\xc3\xbc@x.example"}) {
    INFO(bad);
    CHECK(MailboxError(bad) == AddressError::kSyntax);
  }
  CHECK(MailboxError("user@@x.example") == AddressError::kBadDomain);
  CHECK(MailboxError("a.b-c+d_e!#$%&'*/=?^`{|}~@x.example") == AddressError::kNone);
}

TEST_CASE("address: domain syntax", "[lib][address]") {
  CHECK(MailboxError("user@") == AddressError::kBadDomain);
  CHECK(MailboxError("user") == AddressError::kBadDomain);
  for (auto bad : {"user@-a.example", "user@a-.example", "user@a..example", "user@.example",
                   "user@example.", "user@exa_mple.com", "user@exa mple.com", "user@ex\xc3\xa4mple.com"}) {
    INFO(bad);
    CHECK(MailboxError(bad) == AddressError::kBadDomain);
  }
  CHECK(ms::IsValidDomain("a-b.c0"));
  CHECK(ms::IsValidDomain("1.2.3.4"));  // digits-only labels are names too (RFC 1123)
  CHECK(ms::IsValidDomain(Label(63) + ".example"));
  CHECK(!ms::IsValidDomain(Label(64) + ".example"));
  CHECK(!ms::IsValidDomain(""));
}

TEST_CASE("address: no-domain form only where allowed", "[lib][address]") {
  auto p = Path("<postmaster>", false, true);
  REQUIRE(p.ok);
  CHECK(p.path.mailbox.domain.empty());
  CHECK(p.path.mailbox.ToString() == "postmaster");
  CHECK(Path("<postmaster>").error == AddressError::kBadDomain);
}

TEST_CASE("address: length limits 64 / 255 / 256", "[lib][address]") {
  CHECK(MailboxError(Label(64) + "@x.example") == AddressError::kNone);
  CHECK(MailboxError(Label(65) + "@x.example") == AddressError::kTooLong);
  std::string d255 = Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(63);
  REQUIRE(d255.size() == 255);
  CHECK(ms::IsValidDomain(d255));
  CHECK(MailboxError("u@" + d255) == AddressError::kNone);
  std::string d256 = "a" + d255;
  CHECK(!ms::IsValidDomain(d256));
  CHECK(MailboxError("u@" + d256) == AddressError::kTooLong);
  // A 300-character domain.
  std::string d300 = d255 + "." + Label(44);
  REQUIRE(d300.size() == 300);
  CHECK(MailboxError("u@" + d300) == AddressError::kTooLong);
  CHECK(Path("<u@" + d300 + ">").error == AddressError::kTooLong);
  // Whole path: 256 octets including the brackets.
  std::string fits = "<" + Label(64) + "@" + Label(63) + "." + Label(63) + "." + Label(61) + ">";
  REQUIRE(fits.size() == 256);
  CHECK(Path(fits).ok);
  std::string over = "<" + Label(64) + "@" + Label(63) + "." + Label(63) + "." + Label(62) + ">";
  CHECK(Path(over).error == AddressError::kTooLong);
}

TEST_CASE("address: hostile input", "[lib][address]") {
  CHECK(MailboxError("user\0x@x.example"s) == AddressError::kSyntax);
  CHECK(MailboxError("user@x\0.example"s) == AddressError::kBadDomain);
  CHECK(MailboxError("\0"s) == AddressError::kSyntax);
  CHECK(!Path("<\0>"s, true).ok);
  CHECK(!Path("<user@x.example>\0"s).ok);
  std::string huge(10 * 1024 * 1024, 'a');
  CHECK(Path("<" + huge + "@x.example>").error == AddressError::kTooLong);
  CHECK(MailboxError(huge + "@x.example") == AddressError::kTooLong);
  CHECK(MailboxError("u@" + huge) == AddressError::kTooLong);
  CHECK(MailboxError("\"" + huge) == AddressError::kSyntax);
  CHECK(MailboxError("u@[" + huge) == AddressError::kBadLiteral);
  CHECK(Path("<@" + huge + ">").error == AddressError::kTooLong);
  CHECK(MailboxError("u@" + std::string(300, '.')) == AddressError::kTooLong);
  CHECK(MailboxError("\r\n@x.example") == AddressError::kSyntax);
  CHECK(MailboxError("user@x.example\r\n") == AddressError::kBadDomain);
}

TEST_CASE("address: LocalPartNeedsQuoting and LowerCase", "[lib][address]") {
  CHECK(!ms::LocalPartNeedsQuoting("simple.name"));
  CHECK(ms::LocalPartNeedsQuoting("two words"));
  CHECK(ms::LocalPartNeedsQuoting(""));
  CHECK(ms::LocalPartNeedsQuoting("a..b"));
  CHECK(ms::LocalPartNeedsQuoting("\"q\""));
  CHECK(ms::LowerCase("MiXeD.Example-1") == "mixed.example-1");
  CHECK(ms::LowerCase("\xc3\x84") == "\xc3\x84");  // only ASCII letters change
}

TEST_CASE("address: HostInList (rcpthosts)", "[lib][address]") {
  std::vector<std::string> hosts = {"example.com", ".example.org", "", "MIXED.Example.NET"};
  CHECK(ms::HostInList("example.com", hosts));
  CHECK(ms::HostInList("EXAMPLE.COM", hosts));
  CHECK(ms::HostInList("example.com.", hosts));
  CHECK(!ms::HostInList("sub.example.com", hosts));
  CHECK(!ms::HostInList("notexample.com", hosts));
  CHECK(ms::HostInList("mail.example.org", hosts));
  CHECK(ms::HostInList("a.b.Example.ORG", hosts));
  CHECK(!ms::HostInList("example.org", hosts));  // ".example.org" is subdomains only
  CHECK(!ms::HostInList("badexample.org", hosts));
  CHECK(ms::HostInList("mixed.example.net", hosts));
  CHECK(!ms::HostInList("", hosts));
  CHECK(!ms::HostInList("anything", {}));
  CHECK(!ms::HostInList("x", {"."}));
  CHECK(ms::HostInList("trailing.example", {"Trailing.Example."}));
  CHECK(!ms::HostInList(".", {"."}));
  CHECK(ms::HostInList("example.org", {".org."}));
}
