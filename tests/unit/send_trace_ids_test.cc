#include <catch2/catch.hpp>

#include <string>

#include "send/trace_ids.h"

using ms::send::FindTraceIds;

TEST_CASE("send trace ids: queue pid and Message-ID from the head", "[send]") {
  auto ids = FindTraceIds(
      "Received: (mailsuite-queue 4242 invoked by uid 1000); Sat, 5 Dec 2026 04:00:00 +0000\n"
      "Received: from x (unknown [127.0.0.1])\n\tby me with ESMTP; date\n"
      "Subject: hi\nMessage-ID:\n  <abc@example.test>\n\nbody\nMessage-ID: <not@body>\n");
  CHECK(ids.queue_pid == "4242");
  CHECK(ids.message_id == "<abc@example.test>");
}

TEST_CASE("send trace ids: hostile and missing input", "[send]") {
  CHECK(FindTraceIds("").queue_pid.empty());
  CHECK(FindTraceIds("").message_id.empty());
  // Only the first field counts as mailsuite-queue's line.
  CHECK(FindTraceIds("Subject: x\nReceived: (mailsuite-queue 1 invoked by uid 0)\n\n").queue_pid.empty());
  CHECK(FindTraceIds("Received: (mailsuite-queue x invoked by uid 0)\n\n").queue_pid.empty());
  CHECK(FindTraceIds("Received: (mailsuite-queue 123456789012 invoked)\n\n").queue_pid.empty());
  CHECK(FindTraceIds("Received: (mailsuite-queue 12").queue_pid.empty());
  // A body line is not a header.
  CHECK(FindTraceIds("Subject: x\n\nMessage-ID: <b@x>\n").message_id.empty());
  // Over-long ids are cut; folded ones unfolded; a cut-off header still read.
  auto big = FindTraceIds("Message-ID: <" + std::string(5000, 'a') + ">\n\n");
  CHECK(big.message_id.size() <= ms::send::kMaxMessageId);
  CHECK(FindTraceIds("Message-ID: <a\r\n\t@b>\r\n\r\n").message_id == "<a @b>");
  CHECK(FindTraceIds("Message-ID: <cut@off").message_id == "<cut@off");
  std::string nul("Message-ID: <a\0b@c>\n\n", 22);
  CHECK(FindTraceIds(nul).message_id == std::string("<a\0b@c>", 7));
}
