#include <catch2/catch.hpp>

#include "send/outcome.h"

using namespace ms::send;
using namespace std::string_literals;

namespace {
ms::ExitStatus Exited(int code) { return {true, code, 0}; }
ms::ExitStatus Killed(int sig) { return {false, -1, sig}; }
}  // namespace

TEST_CASE("local exit codes", "[send][outcome]") {
  auto o = LocalOutcome(Exited(0), "did 0+0+1/\nmore\n");
  CHECK(o.outcome == Outcome::kSuccess);
  CHECK(o.reason == "did 0+0+1/");
  o = LocalOutcome(Exited(100), "no such mailbox\n");
  CHECK(o.outcome == Outcome::kFailure);
  CHECK(o.reason == "no such mailbox");
  o = LocalOutcome(Exited(111), "mailbox full (quota exceeded)");
  CHECK(o.outcome == Outcome::kDeferral);
  CHECK(o.reason == "mailbox full (quota exceeded)");
  CHECK(LocalOutcome(Exited(111), "").reason.size() > 0);
  CHECK(LocalOutcome(Exited(100), "").outcome == Outcome::kFailure);
  o = LocalOutcome(Exited(7), "odd");
  CHECK(o.outcome == Outcome::kDeferral);
  CHECK(o.reason == "mailsuite-local exited 7: odd");
  o = LocalOutcome(Killed(9), "did it");
  CHECK(o.outcome == Outcome::kDeferral);
  CHECK(o.reason.find("signal 9") != std::string::npos);
  CHECK(LocalOutcome(Exited(0), std::string(100000, 'x')).reason.size() == kMaxReason);
}

TEST_CASE("remote report: per recipient and message results", "[send][outcome][remote]") {
  auto out = ParseRemoteReport(Exited(0),
                               "rok one\0hmailbox unknown 5.1.1\0stry later\0K250 queued\0"s, 3);
  REQUIRE(out.size() == 3);
  CHECK(out[0].outcome == Outcome::kSuccess);
  CHECK(out[0].reason == "250 queued");
  CHECK(out[1].outcome == Outcome::kFailure);
  CHECK(out[1].reason == "mailbox unknown 5.1.1");
  CHECK(out[2].outcome == Outcome::kDeferral);
  CHECK(out[2].reason == "try later");
}

TEST_CASE("remote report: accepted recipients follow the message result", "[send][outcome][remote]") {
  auto out = ParseRemoteReport(Exited(0), "rok\0rok\0Z451 DATA failed\0"s, 2);
  CHECK(out[0].outcome == Outcome::kDeferral);
  CHECK(out[1].reason == "451 DATA failed");
  out = ParseRemoteReport(Exited(0), "rok\0D554 spam\0"s, 1);
  CHECK(out[0].outcome == Outcome::kFailure);
  CHECK(out[0].reason == "554 spam");
}

TEST_CASE("remote report: message-level failure before any recipient", "[send][outcome][remote]") {
  auto out = ParseRemoteReport(Exited(0), "ZConnected to nothing\0"s, 2);
  CHECK(out[0].outcome == Outcome::kDeferral);
  CHECK(out[1].reason == "Connected to nothing");
  out = ParseRemoteReport(Exited(0), "DSorry, no MX for that domain\0"s, 1);
  CHECK(out[0].outcome == Outcome::kFailure);
}

TEST_CASE("remote report: hostile or broken output never claims delivery", "[send][outcome][remote]") {
  // truncated: no NUL after K
  auto out = ParseRemoteReport(Exited(0), "rok\0K250 ok"s, 1);
  CHECK(out[0].outcome == Outcome::kDeferral);
  // K without a recipient record for the second recipient
  out = ParseRemoteReport(Exited(0), "rok\0K250\0"s, 2);
  CHECK(out[0].outcome == Outcome::kSuccess);
  CHECK(out[1].outcome == Outcome::kDeferral);
  // crash after a full report: deferral
  out = ParseRemoteReport(Killed(11), "rok\0K250\0"s, 1);
  CHECK(out[0].outcome == Outcome::kDeferral);
  // empty output, garbage, unknown codes, extra records
  CHECK(ParseRemoteReport(Exited(0), "", 1)[0].outcome == Outcome::kDeferral);
  CHECK(ParseRemoteReport(Exited(111), "", 1)[0].reason.find("111") != std::string::npos);
  // only exit 0 and 100 come with a report to trust
  CHECK(ParseRemoteReport(Exited(111), "rok\0K250\0"s, 1)[0].outcome == Outcome::kDeferral);
  CHECK(ParseRemoteReport(Exited(100), "DSorry, I wasn't invoked correctly. (#5.3.5)\0"s, 1)[0]
            .outcome == Outcome::kFailure);
  CHECK(ParseRemoteReport(Exited(0), "\0\0\0\0"s, 1)[0].outcome == Outcome::kDeferral);
  CHECK(ParseRemoteReport(Exited(0), "xjunk\0Kok\0"s, 1)[0].outcome == Outcome::kDeferral);
  out = ParseRemoteReport(Exited(0), "rok\0rok\0rok\0Kfine\0"s, 1);
  CHECK(out.size() == 1);
  CHECK(out[0].outcome == Outcome::kSuccess);
  // records after the message result are ignored
  out = ParseRemoteReport(Exited(0), "Kfine\0rlate\0"s, 1);
  CHECK(out[0].outcome == Outcome::kDeferral);
  // huge text is clipped
  std::string big = "r" + std::string(1 << 20, 'x') + '\0' + "K" + std::string(1 << 20, 'y') + '\0';
  out = ParseRemoteReport(Exited(0), big, 1);
  CHECK(out[0].outcome == Outcome::kSuccess);
  CHECK(out[0].reason.size() == kMaxReason);
  // zero recipients
  CHECK(ParseRemoteReport(Exited(0), "Kok\0"s, 0).empty());
}
