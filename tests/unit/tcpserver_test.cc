#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "control/cdb_build.h"
#include "fd.h"
#include "lib_test_util.h"
#include "tcpserver/tcp_rules.h"
#include "tcpserver/tcpserver_options.h"

using namespace std::string_literals;
using ms::smtpd::ParseTcpRule;
using ms::smtpd::ParseTcpServerOptions;
using ms::smtpd::TcpRuleKeys;

namespace {

const char* NoEnv(const char*) { return nullptr; }

ms::Result<ms::smtpd::TcpServerOptions> Parse(std::vector<std::string> args,
                                              std::function<const char*(const char*)> env = NoEnv) {
  return ParseTcpServerOptions(args, env);
}

}  // namespace

TEST_CASE("tcp rules: keys are tried as tcpserver tries them", "[smtpd][tcpserver]") {
  using V = std::vector<std::string>;
  CHECK(TcpRuleKeys("1.2.3.4") == V{"1.2.3.4", "1.2.3.", "1.2.", "1.", ""});
  CHECK(TcpRuleKeys("127.0.0.1") == V{"127.0.0.1", "127.0.0.", "127.0.", "127.", ""});
  CHECK(TcpRuleKeys("2001:db8::1") == V{"2001:db8::1", "2001:db8::", "2001:db8:", "2001:", ""});
  CHECK(TcpRuleKeys("") == V{""});
  // Hostile or odd text never yields more keys than bytes, nor a crash.
  CHECK(TcpRuleKeys("....") == V{"....", "...", "..", ".", ""});
  CHECK(TcpRuleKeys("x") == V{"x", ""});
}

TEST_CASE("tcp rules: record data as tcprules writes it", "[smtpd][tcpserver]") {
  auto allow = ParseTcpRule("");
  CHECK(!allow.deny);
  CHECK(allow.environment.empty());
  CHECK(ParseTcpRule("D\0"s).deny);
  auto env = ParseTcpRule("+RELAYCLIENT=\0+FOO=bar baz\0"s);
  CHECK(!env.deny);
  REQUIRE(env.environment.size() == 2);
  CHECK(env.environment[0] == std::pair<std::string, std::string>{"RELAYCLIENT", ""});
  CHECK(env.environment[1] == std::pair<std::string, std::string>{"FOO", "bar baz"});
  // A value may hold '='; the name ends at the first one.
  CHECK(ParseTcpRule("+A=b=c\0"s).environment[0].second == "b=c");
}

TEST_CASE("tcp rules: hostile record data is ignored field by field", "[smtpd][tcpserver]") {
  // No terminating NUL: tcpserver ignores the unterminated tail.
  CHECK(!ParseTcpRule("D").deny);
  CHECK(ParseTcpRule("+X=1").environment.empty());
  // No name, no '=', unknown fields, empty fields.
  auto r = ParseTcpRule("+=v\0+NOEQUALS\0Zjunk\0\0\0+OK=1\0"s);
  REQUIRE(r.environment.size() == 1);
  CHECK(r.environment[0].first == "OK");
  CHECK(!r.deny);
  // Deny anywhere among the fields denies ("Dxyz" starts with D, as in tcpserver).
  CHECK(ParseTcpRule("+A=1\0Dxyz\0"s).deny);
  // A large record parses in one pass.
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "+V" + std::to_string(i) + "=x\0"s;
  CHECK(ParseTcpRule(big).environment.size() == 10000);
}

TEST_CASE("tcp rules: lookup takes the most specific key present", "[smtpd][tcpserver]") {
  ms::test::TempDir dir;
  std::string path = dir / "rules.cdb";
  REQUIRE(ms::control::WriteCdbAtomic(path,
                                      {{"127.0.0.1", "+RELAYCLIENT=\0"s},
                                       {"127.0.0.2", "D\0"s},
                                       {"10.", "+NET=ten\0"s},
                                       {"", "+DEFAULT=1\0"s}},
                                      0644)
              .ok());
  ms::UniqueFd fd(::open(path.c_str(), O_RDONLY));
  REQUIRE(fd.valid());
  auto exact = ms::smtpd::LookupTcpRule(fd.get(), path, "127.0.0.1");
  REQUIRE(exact.ok());
  CHECK(exact->environment.at(0).first == "RELAYCLIENT");
  CHECK(ms::smtpd::LookupTcpRule(fd.get(), path, "127.0.0.2")->deny);
  CHECK(ms::smtpd::LookupTcpRule(fd.get(), path, "10.9.8.7")->environment.at(0).second == "ten");
  CHECK(ms::smtpd::LookupTcpRule(fd.get(), path, "192.0.2.1")->environment.at(0).first == "DEFAULT");
  // Without a "" key, an unknown client is allowed with nothing set.
  REQUIRE(ms::control::WriteCdbAtomic(path + "2", {{"127.0.0.2", "D\0"s}}, 0644).ok());
  ms::UniqueFd fd2(::open((path + "2").c_str(), O_RDONLY));
  auto none = ms::smtpd::LookupTcpRule(fd2.get(), path + "2", "192.0.2.1");
  REQUIRE(none.ok());
  CHECK(!none->deny);
  CHECK(none->environment.empty());
  // A file that is not a cdb is an error naming it, never "allow".
  dir.Write("junk.cdb", "junk");
  ms::UniqueFd junk(::open((dir / "junk.cdb").c_str(), O_RDONLY));
  auto bad = ms::smtpd::LookupTcpRule(junk.get(), dir / "junk.cdb", "127.0.0.1");
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("junk.cdb"));
}

TEST_CASE("tcpserver options: tcpserver's command lines", "[smtpd][tcpserver]") {
  auto o = Parse({"-v", "-R", "-l", "mx.example", "-x", "/etc/tcp.smtp.cdb", "-c", "200", "-u", "994", "-g",
                  "993", "0", "25", "/usr/bin/mailsuite-smtpd"});
  REQUIRE(o.ok());
  CHECK(o->verbosity == 2);
  CHECK(o->local_host == "mx.example");
  CHECK(o->rules == "/etc/tcp.smtp.cdb");
  CHECK(o->limit == 200);
  CHECK(*o->uid == 994);
  CHECK(*o->gid == 993);
  CHECK(o->host == "0");
  CHECK(o->port == 25);
  CHECK(o->program == std::vector<std::string>{"/usr/bin/mailsuite-smtpd"});
  // Grouped flags, values attached, and the program's own options kept.
  auto g = Parse({"-qHRc5", "-b50", "-1X", "127.0.0.1", "0", "smtpd", "-x", "checkpw"});
  REQUIRE(g.ok());
  CHECK(g->verbosity == 0);
  CHECK(g->limit == 5);
  CHECK(g->backlog == 50);
  CHECK(g->print_port);
  CHECK(g->rules_may_be_missing);
  CHECK(g->program == std::vector<std::string>{"smtpd", "-x", "checkpw"});
  CHECK(!g->uid);
  // Defaults: tcpserver's.
  auto d = Parse({"127.0.0.1", "25", "p"});
  REQUIRE(d.ok());
  CHECK(d->limit == 40);
  CHECK(d->backlog == 20);
  CHECK(d->verbosity == 1);
}

TEST_CASE("tcpserver options: -U takes envuidgid's $UID and $GID", "[smtpd][tcpserver]") {
  auto env = [](const char* name) -> const char* {
    if (std::string_view(name) == "UID") return "994";
    if (std::string_view(name) == "GID") return "993";
    return nullptr;
  };
  auto o = Parse({"-U", "0", "25", "p"}, env);
  REQUIRE(o.ok());
  CHECK(*o->uid == 994);
  CHECK(*o->gid == 993);
  auto missing = Parse({"-U", "0", "25", "p"});
  REQUIRE(!missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("$UID"));
  auto junk = Parse({"-U", "0", "25", "p"}, [](const char*) -> const char* { return "12x"; });
  CHECK(!junk.ok());
}

TEST_CASE("tcpserver options: bad command lines are refused with a reason", "[smtpd][tcpserver]") {
  auto why = [](std::vector<std::string> args) {
    auto r = Parse(std::move(args));
    REQUIRE(!r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("usage:"));
    return r.error().message;
  };
  CHECK_THAT(why({"-Z", "0", "25", "p"}), Catch::Contains("unknown option -Z"));
  CHECK_THAT(why({"-h", "0", "25", "p"}), Catch::Contains("not supported"));
  CHECK_THAT(why({"-c", "0", "0", "25", "p"}), Catch::Contains("-c 0"));
  CHECK_THAT(why({"-c", "-5", "0", "25", "p"}), Catch::Contains("-c -5"));
  CHECK_THAT(why({"-c", "99999999999999999999", "0", "25", "p"}), Catch::Contains("-c"));
  CHECK_THAT(why({"-b", "x", "0", "25", "p"}), Catch::Contains("-b x"));
  CHECK_THAT(why({"-u", "5", "0", "25", "p"}), Catch::Contains("-u and -g"));
  CHECK_THAT(why({"-u", "root", "-g", "0", "0", "25", "p"}), Catch::Contains("numeric uid"));
  CHECK_THAT(why({"-u", "4294967295", "-g", "0", "0", "25", "p"}), Catch::Contains("numeric uid"));
  CHECK_THAT(why({"-c"}), Catch::Contains("needs a value"));
  CHECK_THAT(why({"0", "25"}), Catch::Contains("need host, port and program"));
  CHECK_THAT(why({"0", "65536", "p"}), Catch::Contains("port 65536"));
  CHECK_THAT(why({"0", "smtp", "p"}), Catch::Contains("port smtp"));
  CHECK_THAT(why({"", "25", "p"}), Catch::Contains("empty host"));
  CHECK_THAT(why({"0", "25", ""}), Catch::Contains("empty program"));
  CHECK_THAT(why({"-x", "", "0", "25", "p"}), Catch::Contains("file name"));
  // "--" ends the options: a host may then start with '-' (and fail later
  // as not an address) instead of being taken for an option.
  auto dash = Parse({"--", "-1", "25", "p"});
  REQUIRE(dash.ok());
  CHECK(dash->host == "-1");
}
