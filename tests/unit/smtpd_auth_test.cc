#include <catch2/catch.hpp>

#include <string>

#include "smtpd/auth.h"
#include "smtpd/starttls.h"

using ms::smtpd::DecodeBase64;
using ms::smtpd::ParsePlain;

TEST_CASE("smtpd auth: base64 responses are decoded strictly", "[smtpd][auth]") {
  CHECK(DecodeBase64("") == std::string());
  CHECK(DecodeBase64("VXNlcm5hbWU6") == std::string("Username:"));
  CHECK(DecodeBase64("AGFAYgBw") == std::string("\0a@b\0p", 6));
  CHECK_FALSE(DecodeBase64("VXNlcm5hbWU").has_value());     // truncated
  CHECK_FALSE(DecodeBase64("VXNl cm5h").has_value());       // blank inside
  CHECK_FALSE(DecodeBase64(std::string("VXNl\0m5h", 8)).has_value());
  CHECK_FALSE(DecodeBase64("!!!!").has_value());
  CHECK(DecodeBase64(std::string(16000, 'A'))->size() == 12000);
}

TEST_CASE("smtpd auth: PLAIN responses", "[smtpd][auth]") {
  auto c = ParsePlain(std::string("\0alice@example.test\0secret", 26));
  REQUIRE(c.has_value());
  CHECK(c->user == "alice@example.test");
  CHECK(c->password == "secret");
  CHECK(ParsePlain(std::string("alice\0alice\0pw", 14)).has_value());   // authzid = authcid
  CHECK_FALSE(ParsePlain(std::string("bob\0alice\0pw", 12)).has_value());  // proxying refused
  CHECK_FALSE(ParsePlain("alice").has_value());
  CHECK_FALSE(ParsePlain(std::string("\0alice", 6)).has_value());
  CHECK_FALSE(ParsePlain(std::string("\0\0pw", 4)).has_value());          // no user
  CHECK_FALSE(ParsePlain(std::string("\0a\0p\0extra", 10)).has_value());  // NUL in the password
  CHECK_FALSE(ParsePlain(std::string("\0", 1) + std::string(300, 'u') + std::string("\0p", 2)).has_value());
  CHECK(ParsePlain(std::string("\0a\0", 3))->password.empty());
}

TEST_CASE("smtpd auth: Received protocol names (RFC 3848)", "[smtpd][auth]") {
  using ms::smtpd::ReceivedProtocol;
  CHECK(ReceivedProtocol("", false) == "ESMTP");
  CHECK(ReceivedProtocol("", true) == "ESMTPA");
  CHECK(ReceivedProtocol("TLSv1.3 TLS_AES_128_GCM_SHA256", false) == "ESMTPS (TLSv1.3 TLS_AES_128_GCM_SHA256)");
  CHECK(ReceivedProtocol("TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256", true) ==
        "ESMTPSA (TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256)");
}

// The AUTH exchange through the real session, with a checker script that
// accepts alice/pw.
#include <sys/stat.h>

#include "lib_test_util.h"
#include "smtpd_memory_io.h"

namespace {

struct AuthRun {
  ms::test::TempDir dir;
  std::string output;
  bool authenticated = false;
  std::vector<ms::smtpd::testing::QueuedMessage> queued;

  AuthRun(const std::string& input, bool required = false) {
    std::string checker = dir.Write("checker",
                                    "#!/bin/sh\ntr '\\000' '\\n' <&3 | { read u; read p;"
                                    " [ \"$u\" = alice ] && [ \"$p\" = pw ]; } || exit 1\n"
                                    "exec \"$@\"\n");
    chmod(checker.c_str(), 0755);
    using namespace ms::smtpd;
    AuthConfig config;
    config.checker = {checker};
    config.allow_plaintext = true;
    config.required = required;
    config.fail_delay_ms = 0;
    Auth auth(config, nullptr);
    Config session_config = testing::TestConfig();
    testing::MemoryQueue queue;
    testing::MemoryTransport transport(input);
    Session session(session_config, &transport, queue.Factory(), testing::QuietHooks());
    session.add_extension(&auth);
    session.Run();
    output = transport.output;
    authenticated = session.authenticated();
    queued = queue.queued;
  }
};

}  // namespace

TEST_CASE("smtpd auth: PLAIN and LOGIN through the session", "[smtpd][auth]") {
  AuthRun plain("EHLO c\r\nAUTH PLAIN AGFsaWNlAHB3\r\n");
  CHECK(plain.output.find("250-AUTH PLAIN LOGIN\r\n") != std::string::npos);
  CHECK(plain.output.find("235 2.7.0") != std::string::npos);
  CHECK(plain.authenticated);

  AuthRun login("EHLO c\r\nAUTH LOGIN\r\nYWxpY2U=\r\ncHc=\r\n");
  CHECK(login.output.find("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ") != std::string::npos);
  CHECK(login.authenticated);

  AuthRun bad("EHLO c\r\nAUTH LOGIN YWxpY2U=\r\ncHd4\r\n");
  CHECK(bad.output.find("535 5.7.8") != std::string::npos);
  CHECK_FALSE(bad.authenticated);
}

TEST_CASE("smtpd auth: order and state rules", "[smtpd][auth]") {
  AuthRun early("AUTH PLAIN AGFsaWNlAHB3\r\n");
  CHECK(early.output.find("503 5.5.1 send EHLO first") != std::string::npos);
  AuthRun in_mail("EHLO c\r\nMAIL FROM:<a@b.example>\r\nAUTH PLAIN AGFsaWNlAHB3\r\n");
  CHECK(in_mail.output.find("503 5.5.1 AUTH not permitted during a mail transaction") != std::string::npos);
  AuthRun cancelled("EHLO c\r\nAUTH PLAIN\r\n*\r\n");
  CHECK(cancelled.output.find("334 \r\n501 5.0.0") != std::string::npos);
  AuthRun gone("EHLO c\r\nAUTH LOGIN\r\n");
  CHECK_FALSE(gone.authenticated);
}

TEST_CASE("smtpd auth: required before MAIL; authenticated clients relay", "[smtpd][auth]") {
  AuthRun refused("EHLO c\r\nMAIL FROM:<a@b.example>\r\n", true);
  CHECK(refused.output.find("530 5.7.0 authentication required") != std::string::npos);
  AuthRun relayed("EHLO c\r\nAUTH PLAIN AGFsaWNlAHB3\r\nMAIL FROM:<a@b.example> AUTH=a@b.example\r\n"
                  "RCPT TO:<x@far.example>\r\nDATA\r\nSubject: t\r\n\r\nhi\r\n.\r\nQUIT\r\n", true);
  REQUIRE(relayed.queued.size() == 1);
  CHECK(relayed.queued[0].envelope.recipients == std::vector<std::string>{"x@far.example"});
  CHECK(relayed.queued[0].data.find("with ESMTPA;") != std::string::npos);
}
