#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "remote/smtp_session.h"

using namespace ms::remote;
using namespace std::string_literals;

namespace {

// A server whose whole side of the dialogue is known in advance.
class ScriptedTransport : public ms::ByteStream {
 public:
  explicit ScriptedTransport(std::string replies) : replies_(std::move(replies)) {}
  ssize_t Read(char* buf, size_t len, const ms::Deadline&) override {
    if (pos_ >= replies_.size()) return drop_ ? 0 : -2;
    size_t n = std::min(len, std::min<size_t>(7, replies_.size() - pos_));  // in small pieces
    replies_.copy(buf, n, pos_);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t ReadThroughNewline(char* buf, size_t len, const ms::Deadline& deadline) override {
    return Read(buf, len, deadline);  // remote always reads ahead
  }
  bool Write(std::string_view data, const ms::Deadline&, bool* timed_out) override {
    if (timed_out) *timed_out = false;
    written += data;
    return true;
  }
  std::string written;
  bool drop_ = true;

 private:
  std::string replies_;
  size_t pos_ = 0;
};

StoredMessage Message(const std::string& text) {
  int fd = memfd_create("msg", 0);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
  auto m = StoredMessage::Load(fd);
  REQUIRE(m.ok());
  return std::move(*m);  // fd stays open for the test's lifetime
}

}  // namespace

TEST_CASE("session: pipelined envelope, per-recipient results, message sent", "[remote][session]") {
  ScriptedTransport t(
      "220 hi\r\n250-mx\r\n250-PIPELINING\r\n250 SIZE 100000\r\n"
      "250 ok\r\n250 ok\r\n550 5.1.1 unknown\r\n354 go\r\n250 queued\r\n221 bye\r\n");
  SessionConfig config{"me.test", 10};
  SmtpSession s(t, "mx[192.0.2.1]", config);
  StoredMessage m = Message("Subject: x\n\n.x\n");
  Report r(2);
  AttemptResult a = s.Run("a@b.test", {"c@d.test", "e@d.test"}, m, &r);
  CHECK(a.kind == AttemptResult::kDone);
  CHECK(t.written ==
        "EHLO me.test\r\nMAIL FROM:<a@b.test> SIZE=18\r\nRCPT TO:<c@d.test>\r\nRCPT TO:<e@d.test>\r\nDATA\r\n"
        "Subject: x\r\n\r\n..x\r\n.\r\nQUIT\r\n");
  CHECK(r.Format() == "rmx[192.0.2.1] accepted the message: 250 queued\0"
                      "hmx[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO)\0"
                      "Kmx[192.0.2.1] accepted the message: 250 queued\0"s);
}

TEST_CASE("session: greeting failures move on, a drop after DATA defers", "[remote][session]") {
  SessionConfig config{"me.test", 10};
  Report r(1);
  StoredMessage m = Message("body\n");
  {
    ScriptedTransport t("421 busy\r\n");
    SmtpSession s(t, "mx[192.0.2.1]", config);
    AttemptResult a = s.Run("a@b", {"c@d"}, m, &r);
    CHECK(a.kind == AttemptResult::kNextHost);
    CHECK_FALSE(a.permanent);
  }
  {
    ScriptedTransport t("220 hi\r\n500 no EHLO\r\n554 no HELO either\r\n");
    SmtpSession s(t, "mx[192.0.2.1]", config);
    AttemptResult a = s.Run("a@b", {"c@d"}, m, &r);
    CHECK(a.kind == AttemptResult::kNextHost);
    CHECK(a.permanent);
    CHECK(t.written == "EHLO me.test\r\nHELO me.test\r\n");
  }
  {
    ScriptedTransport t("220 hi\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n");  // then the server vanishes
    SmtpSession s(t, "mx[192.0.2.1]", config);
    AttemptResult a = s.Run("a@b", {"c@d"}, m, &r);
    CHECK(a.kind == AttemptResult::kDone);
    CHECK(r.MessageLetter() == 'Z');
    CHECK(r.recipient(0).outcome == Outcome::kTemporary);
    CHECK(r.recipient(0).text.find("during DATA") != std::string::npos);
  }
  {
    ScriptedTransport t("220 hi\r\n250 mx\r\ngarbage\r\n");
    SmtpSession s(t, "mx[192.0.2.1]", config);
    s.Run("a@b", {"c@d"}, m, &r);
    CHECK(r.recipient(0).outcome == Outcome::kTemporary);
    CHECK(r.recipient(0).text.find("malformed") != std::string::npos);
  }
}
