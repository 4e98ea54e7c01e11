#include <catch2/catch.hpp>

#include "queue/qread.h"

using namespace ms::queue;

TEST_CASE("qread: ages", "[queue][qread]") {
  CHECK(FormatAge(-5) == "0s");
  CHECK(FormatAge(59) == "59s");
  CHECK(FormatAge(61) == "1m01s");
  CHECK(FormatAge(7500) == "2h05m");
  CHECK(FormatAge(3 * 86400 + 4 * 3600 + 59) == "3d04h");
}

TEST_CASE("qread: local or remote", "[queue][qread]") {
  LocalDomains d{{"Mail.Example.test"}, {"virt.test", ".sub.test"}};
  CHECK(d.IsLocal("a@mail.example.TEST"));
  CHECK(d.IsLocal("a@virt.test"));
  CHECK(d.IsLocal("a@x.sub.test"));
  CHECK_FALSE(d.IsLocal("a@sub.test"));
  CHECK_FALSE(d.IsLocal("a@example.test"));
  CHECK(d.IsLocal("postmaster"));
}

TEST_CASE("qread: listing and counts", "[queue][qread]") {
  ListedMessage m;
  m.id = "1.2";
  m.size = 10;
  m.queued_time = 100;
  m.sender = "s@x.test";
  m.recipients = {{"a@here.test", RecipientState::kPending, ""},
                  {"b@far.test", RecipientState::kDeferred, "try later"},
                  {"c@far.test", RecipientState::kBounced, "no"},
                  {"d@far.test", RecipientState::kDelivered, ""}};
  ListedMessage bad;
  bad.id = "3.4";
  bad.problem = "not a mailsuite queue file";
  LocalDomains d{{"here.test"}, {}};
  CHECK(FormatListing({m, bad}, 160, d) ==
        "1.2  10 bytes  age 1m00s  <s@x.test>\n"
        "    <a@here.test>  pending local\n"
        "    <b@far.test>  deferred: try later\n"
        "    <c@far.test>  bounced: no\n"
        "    <d@far.test>  delivered\n"
        "3.4  unreadable: not a mailsuite queue file\n");
  CHECK(FormatCounts({m, bad}) ==
        "messages: 2  recipients: 4  pending: 1  deferred: 1  delivered: 1  bounced: 1  "
        "unreadable: 1\n");
}
