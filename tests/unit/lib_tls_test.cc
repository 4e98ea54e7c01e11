#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <string>

#include "fd.h"
#include "lib_test_util.h"
#include "tls.h"

namespace {

// A self-signed certificate for "localhost" (key and certificate in one
// PEM, as control/servercert.pem holds them).
struct TestCert {
  ms::test::TempDir dir;
  std::string pem;
  std::string cert_only;
  TestCert() {
    std::string cmd = "cd " + dir.path() +
                      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                      " -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost"
                      " -addext subjectAltName=DNS:localhost >/dev/null 2>&1"
                      " && cat key.pem cert.pem > server.pem";
    REQUIRE(std::system(cmd.c_str()) == 0);
    pem = dir / "server.pem";
    cert_only = dir / "cert.pem";
  }
};

const TestCert& Cert() {
  static TestCert cert;
  return cert;
}

struct Pair {
  ms::UniqueFd server, client;
  Pair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    server = ms::UniqueFd(fds[0]);
    client = ms::UniqueFd(fds[1]);
  }
};

ms::Deadline Soon() { return ms::Deadline::AfterSeconds(10); }

}  // namespace

TEST_CASE("tls: server context needs a matching certificate and key", "[lib][tls]") {
  CHECK(ms::MakeServerContext(Cert().pem, "").ok());
  auto no_key = ms::MakeServerContext(Cert().cert_only, "");
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().message.find("private key") != std::string::npos);
  CHECK_FALSE(ms::MakeServerContext(Cert().dir / "missing.pem", "").ok());
  CHECK_FALSE(ms::MakeServerContext(Cert().pem, "NO-SUCH-CIPHER").ok());
}

TEST_CASE("tls: handshake, data both ways, verified host name", "[lib][tls]") {
  auto sctx = ms::MakeServerContext(Cert().pem, "");
  auto cctx = ms::MakeClientContext({"", true, Cert().cert_only});
  REQUIRE(sctx.ok());
  REQUIRE(cctx.ok());
  Pair p;
  auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
  auto client = ms::TlsStream::Create(cctx->get(), p.client.get(), p.client.get());
  REQUIRE(server.ok());
  REQUIRE(client.ok());
  auto accepted = std::async(std::launch::async, [&] {
    auto s = (*server)->Accept(Soon());
    if (!s) return std::string("accept: ") + s.error().message;
    char buf[100];
    ssize_t n = (*server)->Read(buf, sizeof buf, Soon());
    if (n <= 0) return std::string("read failed");
    std::string got(buf, static_cast<size_t>(n));
    (*server)->Write("echo " + got, Soon());
    (*server)->Shutdown(Soon());
    return got;
  });
  auto c = (*client)->Connect("localhost", Soon());
  REQUIRE(c.ok());
  CHECK((*client)->peer_verified());
  std::string v = (*client)->version();
  CHECK((v == "TLSv1.2" || v == "TLSv1.3"));
  CHECK_FALSE((*client)->cipher().empty());
  REQUIRE((*client)->Write("hello", Soon()));
  std::string reply;
  char buf[100];
  for (ssize_t n; (n = (*client)->Read(buf, sizeof buf, Soon())) > 0;) reply.append(buf, static_cast<size_t>(n));
  CHECK(accepted.get() == "hello");
  CHECK(reply == "echo hello");
}

TEST_CASE("tls: a wrong host name fails verification; unverified it is only noted", "[lib][tls]") {
  auto sctx = ms::MakeServerContext(Cert().pem, "");
  REQUIRE(sctx.ok());
  for (bool verify : {true, false}) {
    auto cctx = ms::MakeClientContext({"", verify, Cert().cert_only});
    REQUIRE(cctx.ok());
    Pair p;
    auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
    auto client = ms::TlsStream::Create(cctx->get(), p.client.get(), p.client.get());
    REQUIRE(server.ok());
    REQUIRE(client.ok());
    auto accepted = std::async(std::launch::async, [&] { return (*server)->Accept(Soon()).ok(); });
    auto c = (*client)->Connect("mail.example.org", Soon());
    if (verify) {
      REQUIRE_FALSE(c.ok());
      CHECK(c.error().message.find("verif") != std::string::npos);
      p.client.reset();  // let the server side see the end
      CHECK_FALSE(accepted.get());
    } else {
      REQUIRE(c.ok());
      CHECK_FALSE((*client)->peer_verified());
      CHECK_FALSE((*client)->verify_error().empty());
      CHECK(accepted.get());
    }
  }
}

TEST_CASE("tls: handshake with a silent peer times out, garbage fails", "[lib][tls]") {
  auto sctx = ms::MakeServerContext(Cert().pem, "");
  REQUIRE(sctx.ok());
  {
    Pair p;
    auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
    REQUIRE(server.ok());
    int64_t start = ms::MonotonicMs();
    auto s = (*server)->Accept(ms::Deadline::AfterMs(200));
    CHECK_FALSE(s.ok());
    CHECK((*server)->last_error() == "timeout");
    CHECK(ms::MonotonicMs() - start < 5000);
  }
  {
    Pair p;
    auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
    REQUIRE(server.ok());
    std::string junk("EHLO x\r\n\0\0\0\0\0\0\0\0", 16);
    REQUIRE(ms::WriteAll(p.client.get(), junk));
    p.client.reset();
    CHECK_FALSE((*server)->Accept(Soon()).ok());
  }
  {
    Pair p;  // the client hangs up halfway: an error, not a hang
    auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
    REQUIRE(server.ok());
    std::string partial("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    REQUIRE(ms::WriteAll(p.client.get(), partial));
    p.client.reset();
    CHECK_FALSE((*server)->Accept(Soon()).ok());
  }
}

TEST_CASE("tls: read deadline inside an established session", "[lib][tls]") {
  auto sctx = ms::MakeServerContext(Cert().pem, "");
  auto cctx = ms::MakeClientContext({"", false, ""});
  REQUIRE(sctx.ok());
  REQUIRE(cctx.ok());
  Pair p;
  auto server = ms::TlsStream::Create(sctx->get(), p.server.get(), p.server.get());
  auto client = ms::TlsStream::Create(cctx->get(), p.client.get(), p.client.get());
  REQUIRE(server.ok());
  REQUIRE(client.ok());
  auto accepted = std::async(std::launch::async, [&] { return (*server)->Accept(Soon()).ok(); });
  REQUIRE((*client)->Connect("", Soon()).ok());
  REQUIRE(accepted.get());
  char buf[10];
  // The client reads what the server sent (the session ticket with it):
  // closing a socket with unread data would reset the connection.
  REQUIRE((*server)->Write("hi", Soon()));
  CHECK((*client)->Read(buf, sizeof buf, Soon()) == 2);
  CHECK((*server)->Read(buf, sizeof buf, ms::Deadline::AfterMs(100)) == -2);
  p.client.reset();
  CHECK((*server)->Read(buf, sizeof buf, Soon()) == 0);
}

TEST_CASE("tls: client ciphers and TLS 1.2 minimum", "[lib][tls]") {
  CHECK(ms::MakeClientContext({"ECDHE-ECDSA-AES128-GCM-SHA256", false, ""}).ok());
  CHECK_FALSE(ms::MakeClientContext({"", true, "/nonexistent/ca.pem"}).ok());
  auto sctx = ms::MakeServerContext(Cert().pem, "");
  REQUIRE(sctx.ok());
  CHECK(SSL_CTX_get_min_proto_version(sctx->get()) == TLS1_2_VERSION);
}
