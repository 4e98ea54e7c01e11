#include <catch2/catch.hpp>

#include <string>

#include "remote/report.h"

using ms::remote::Outcome;
using ms::remote::Report;
using namespace std::string_literals;

TEST_CASE("report: per recipient then message, in qmail-remote format", "[remote][report]") {
  Report r(3);
  r.SetRecipient(0, Outcome::kAccepted, "mx[1.2.3.4] accepted the message: 250 ok");
  r.SetRecipient(1, Outcome::kPermanent, "mx[1.2.3.4] said: 550 no");
  r.SetRecipient(2, Outcome::kTemporary, "mx[1.2.3.4] said: 450 later");
  r.SetMessageText("mx[1.2.3.4] accepted the message: 250 ok");
  r.SetMessageAccepted(true);
  CHECK(r.Format() ==
        "rmx[1.2.3.4] accepted the message: 250 ok\0hmx[1.2.3.4] said: 550 no\0smx[1.2.3.4] said: 450 later\0"
        "Kmx[1.2.3.4] accepted the message: 250 ok\0"s);
}

TEST_CASE("report: message letter", "[remote][report]") {
  Report r(2);
  r.SetAll(Outcome::kPermanent, "no");
  CHECK(r.MessageLetter() == 'D');
  r.SetRecipient(1, Outcome::kTemporary, "later");
  CHECK(r.MessageLetter() == 'Z');
  r.SetAll(Outcome::kAccepted, "yes");
  CHECK(r.MessageLetter() == 'Z');  // recipients taken but the message not (yet) accepted
  r.SetMessageAccepted(true);
  CHECK(r.MessageLetter() == 'K');
  Report none(0);
  CHECK(none.MessageLetter() == 'Z');
}

TEST_CASE("report: NUL in a remote text cannot split a field", "[remote][report]") {
  Report r(1);
  r.SetAll(Outcome::kTemporary, "bad\0Kforged"s);
  r.SetMessageText("x\0y"s);
  CHECK(r.Format() == "sbad?Kforged\0Zx?y\0"s);
  CHECK(ms::remote::HostAndIp("mx.example", "::1") == "mx.example[::1]");
}
