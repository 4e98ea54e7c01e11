#include "queue/qread.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "address.h"
#include "control.h"
#include "fd.h"
#include "paths.h"

namespace ms::queue {

namespace {

constexpr int kUsage = 100;
constexpr int kCannotRead = 111;

std::string_view DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

std::string StateText(const ListedRecipient& r, bool local) {
  switch (r.state) {
    case RecipientState::kPending: return local ? "pending local" : "pending remote";
    case RecipientState::kDelivered: return "delivered";
    case RecipientState::kDeferred: return "deferred: " + r.reason;
    case RecipientState::kBounced: return "bounced: " + r.reason;
  }
  return "";
}

Result<LocalDomains> ReadLocalDomains() {
  Control control;
  LocalDomains d;
  auto me = control.Me();
  if (!me) return me.error();
  auto locals = control.Lines("locals");
  if (!locals) return locals.error();
  d.locals = locals->empty() ? std::vector<std::string>{*me} : *locals;
  auto virtuals = control.Lines("virtualdomains");
  if (!virtuals) return virtuals.error();
  for (const auto& line : *virtuals) d.virtual_domains.push_back(line.substr(0, line.find(':')));
  return d;
}

}  // namespace

bool LocalDomains::IsLocal(const std::string& address) const {
  std::string domain = LowerCase(DomainOf(address));
  if (domain.empty()) return true;  // qmail: no domain means this host
  for (const auto& l : locals)
    if (LowerCase(l) == domain) return true;
  for (const auto& v : virtual_domains) {
    std::string entry = LowerCase(v);
    if (entry == domain) return true;
    if (!entry.empty() && entry.front() == '.' && domain.size() > entry.size() &&
        domain.compare(domain.size() - entry.size(), entry.size(), entry) == 0)
      return true;
  }
  return false;
}

std::string FormatAge(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char out[64];
  if (seconds < 60)
    std::snprintf(out, sizeof out, "%llds", static_cast<long long>(seconds));
  else if (seconds < 3600)
    std::snprintf(out, sizeof out, "%lldm%02llds", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  else if (seconds < 86400)
    std::snprintf(out, sizeof out, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60));
  else
    std::snprintf(out, sizeof out, "%lldd%02lldh", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds / 3600 % 24));
  return out;
}

std::string FormatListing(const std::vector<ListedMessage>& messages, int64_t now,
                          const LocalDomains& domains) {
  std::string out;
  for (const auto& m : messages) {
    if (!m.problem.empty()) {
      out += m.id + "  unreadable: " + m.problem + "\n";
      continue;
    }
    out += m.id + "  " + std::to_string(m.size) + " bytes  age " +
           FormatAge(now - m.queued_time) + "  <" + m.sender + ">" + (m.dsn.empty() ? "" : "  " + m.dsn) + "\n";
    for (const auto& r : m.recipients)
      out += "    <" + r.address + ">  " + StateText(r, domains.IsLocal(r.address)) +
             (r.dsn.empty() ? "" : "  " + r.dsn) + "\n";
  }
  return out;
}

std::string FormatCounts(const std::vector<ListedMessage>& messages) {
  size_t counts[4] = {0, 0, 0, 0};
  size_t recipients = 0, unreadable = 0;
  for (const auto& m : messages) {
    if (!m.problem.empty()) ++unreadable;
    for (const auto& r : m.recipients) {
      ++counts[static_cast<int>(r.state)];
      ++recipients;
    }
  }
  std::string out = "messages: " + std::to_string(messages.size()) +
                    "  recipients: " + std::to_string(recipients) +
                    "  pending: " + std::to_string(counts[0]) +
                    "  deferred: " + std::to_string(counts[2]) +
                    "  delivered: " + std::to_string(counts[1]) +
                    "  bounced: " + std::to_string(counts[3]);
  if (unreadable) out += "  unreadable: " + std::to_string(unreadable);
  return out + "\n";
}

int QreadMain(int argc, char** argv) {
  bool counts_only = false;
  int opt;
  while ((opt = ::getopt(argc, argv, "s")) != -1) {
    if (opt != 's') {
      std::fputs("usage: mailsuite-qread [-s]\n", stderr);
      return kUsage;
    }
    counts_only = true;
  }
  const std::string root = QueueDir();
  auto messages = ListQueue(root);
  if (!messages) {
    std::string hint = messages.error().code == EACCES
                           ? " (only root and the msadmin group may list the queue)"
                           : "";
    std::fprintf(stderr, "mailsuite-qread: %s%s\n", messages.error().message.c_str(), hint.c_str());
    return kCannotRead;
  }
  std::string out;
  if (counts_only) {
    out = FormatCounts(*messages);
  } else {
    auto domains = ReadLocalDomains();
    if (!domains) {
      std::fprintf(stderr, "mailsuite-qread: %s\n", domains.error().message.c_str());
      return kCannotRead;
    }
    out = FormatListing(*messages, ::time(nullptr), *domains) + FormatCounts(*messages);
  }
  if (!WriteAll(1, out)) {
    std::perror("mailsuite-qread: write");
    return kCannotRead;
  }
  return 0;
}

}  // namespace ms::queue
