#include "send/trace_ids.h"

#include "queue/header_section.h"

namespace ms::send {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// "(mailsuite-queue 4242 invoked by uid 1000); date" -> "4242".
std::string QueuePid(std::string_view received) {
  constexpr std::string_view kPrefix = "(mailsuite-queue ";
  received = Trim(received);
  if (received.substr(0, kPrefix.size()) != kPrefix) return {};
  received.remove_prefix(kPrefix.size());
  size_t n = 0;
  while (n < received.size() && n < 10 && received[n] >= '0' && received[n] <= '9') ++n;
  if (n == 0 || n >= received.size() || received[n] != ' ') return {};
  return std::string(received.substr(0, n));
}

// Folded lines become one: every CR/LF run with the blanks after it is a space.
std::string Unfold(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size() && out.size() < kMaxMessageId; ++i) {
    char c = value[i];
    if (c == '\r' || c == '\n') {
      while (i + 1 < value.size() && (value[i + 1] == '\r' || value[i + 1] == '\n' ||
                                      value[i + 1] == ' ' || value[i + 1] == '\t'))
        ++i;
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return std::string(Trim(out));
}

}  // namespace

TraceIds FindTraceIds(std::string_view head) {
  TraceIds ids;
  queue::HeaderSection section = queue::ParseHeaderSection(head, true);
  for (size_t i = 0; i < section.fields.size(); ++i) {
    const queue::HeaderField& field = section.fields[i];
    if (i == 0 && field.Is("Received")) ids.queue_pid = QueuePid(field.value());
    if (ids.message_id.empty() && field.Is("Message-ID")) ids.message_id = Unfold(field.value());
  }
  return ids;
}

}  // namespace ms::send
