#include "local/delivery.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "local/dot_file.h"
#include "local/dot_search.h"
#include "local/forward.h"
#include "local/header_scan.h"
#include "local/maildir.h"
#include "local/mbox.h"
#include "local/message.h"
#include "local/program.h"
#include "local/quota_source.h"

extern char** environ;

namespace ms::local {
namespace {

Outcome Fail(const Error& e) { return Outcome{e.code == 100 ? 100 : 111, e.message}; }

Status CheckHome(const std::string& home) {
  if (::chdir(home.c_str()) != 0)
    return MakeError("Unable to switch to " + home + ": " + std::strerror(errno) + ". (#4.3.0)", 111);
  struct stat st;
  if (::stat(".", &st) != 0) return MakeError(std::string("Unable to stat home directory: ") + std::strerror(errno) + ". (#4.3.0)", 111);
  if (st.st_uid != ::geteuid()) return MakeError("Uh-oh: home directory " + home + " belongs to another user. (#4.7.0)", 111);
  if (st.st_mode & S_IWOTH) return MakeError("Uh-oh: home directory is writable. (#4.7.0)", 111);
  if (st.st_mode & S_ISVTX) return MakeError("Home directory is sticky: user is editing his .qmail file. (#4.2.1)", 111);
  return Ok{};
}

Status CheckLoops(const Message& message, const Recipient& r) {
  HeaderScan scan(r.address);
  char buf[16384];
  uint64_t pos = 0;
  for (;;) {
    ssize_t n = message.ReadAt(buf, sizeof buf, pos);
    if (n < 0) return MakeError(std::string("Unable to read message: ") + std::strerror(errno) + ". (#4.3.0)", 111);
    if (n == 0) break;
    pos += static_cast<uint64_t>(n);
    if (!scan.Feed(std::string_view(buf, static_cast<size_t>(n)))) break;
  }
  scan.Finish();
  if (scan.has_our_delivered_to())
    return MakeError("This message is looping: it already has my Delivered-To line. (#5.4.6)", 100);
  if (scan.received_lines() > kMaxReceived)
    return MakeError("This message is looping: it has more than " + std::to_string(kMaxReceived) +
                         " Received: lines. (#5.4.6)",
                     100);
  return Ok{};
}

Outcome PrintInstructions(const DotFile& dot) {
  std::string text;
  for (const auto& ins : dot.instructions) text += std::string(DeliveryName(ins.kind)) + " " + ins.target + "\n";
  Outcome o{0, ""};
  o.line = text.empty() ? "no deliveries\n" : text;
  if (!o.line.empty()) o.line.pop_back();
  return o;
}

}  // namespace

Outcome Deliver(const Arguments& args, int message_fd) {
  Recipient r = MakeRecipient(args, ::time(nullptr));
  if (Status s = CheckHome(args.home); !s.ok()) return Fail(s.error());
  auto found = FindDotFile(args.dash, args.ext);
  if (!found.ok()) return Fail(found.error());
  if (!found->found && !args.dash.empty())
    return Outcome{100, "Sorry, no mailbox here by that name. (#5.1.1)"};
  bool use_default = !found->found || found->text.empty();
  auto dot = ParseDotFile(use_default ? args.default_delivery : found->text,
                          !use_default && found->forward_only);
  if (!dot.ok()) return Fail(dot.error());
  if (!args.deliver) return PrintInstructions(*dot);
  if (found->found && found->candidate.is_default) {
    r.has_default = true;
    r.default_part = found->candidate.default_part;
  }
  bool needs_new_sender = false;
  for (const auto& ins : dot->instructions)
    needs_new_sender = needs_new_sender || ins.kind == Delivery::kForward || ins.kind == Delivery::kProgram;
  if (needs_new_sender) r.new_sender = ForwardSender(args, OwnerDotFileExists(args.dash, args.ext));

  auto message = Message::Open(message_fd);
  if (!message.ok()) return Fail(message.error());
  if (Status s = CheckLoops(*message, r); !s.ok()) return Fail(s.error());

  std::string prefix = r.rpline + r.dtline;
  std::optional<QuotaSpec> quota;
  std::optional<std::vector<std::string>> env;
  std::vector<std::string> forwards;
  int files = 0, programs = 0;
  for (const auto& ins : dot->instructions) {
    bool stop = false;
    switch (ins.kind) {
      case Delivery::kMaildir: {
        if (!quota) {
          auto q = QuotaFor(args.user, r.address);
          if (!q.ok()) return Fail(q.error());
          quota = *q;
        }
        if (Status s = DeliverMaildir(ins.target, prefix, *message, *quota); !s.ok()) return Fail(s.error());
        ++files;
        break;
      }
      case Delivery::kMbox:
        if (Status s = DeliverMbox(ins.target, r.ufline, prefix, *message); !s.ok()) return Fail(s.error());
        ++files;
        break;
      case Delivery::kProgram: {
        if (!env) env = ProgramEnvironment(r, environ);
        auto result = DeliverProgram(ins.target, *env, *message);
        if (!result.ok()) return Fail(result.error());
        ++programs;
        stop = *result == ProgramResult::kStop;
        break;
      }
      case Delivery::kForward:
        forwards.push_back(ins.target);
        break;
    }
    if (stop) break;
  }
  if (!forwards.empty()) {
    if (Status s = Forward(forwards, r.new_sender, r.dtline, *message); !s.ok()) return Fail(s.error());
  }
  return Outcome{0, "did " + std::to_string(files) + "+" + std::to_string(forwards.size()) + "+" +
                        std::to_string(programs) + "/"};
}

}  // namespace ms::local
