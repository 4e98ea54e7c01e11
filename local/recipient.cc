#include "local/recipient.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace ms::local {
namespace {

// Header lines may not break: a newline in an address becomes '_'.
std::string OneHeaderLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\0') c = '_';
  return text + "\n";
}

// ext after the n-th '-' (EXT2 is after the first), "" when there is none.
std::string ExtAfterDashes(const std::string& ext, int n) {
  size_t pos = 0;
  for (int i = 0; i < n; ++i) {
    pos = ext.find('-', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return ext.substr(pos);
}

// host without its last n dot-separated parts (HOST2 drops one); as
// qmail-local, running out of dots leaves what is left.
std::string HostWithoutLast(const std::string& host, int n) {
  std::string_view h = host;
  for (int i = 0; i < n; ++i) {
    size_t dot = h.rfind('.');
    if (dot == std::string_view::npos) break;
    h = h.substr(0, dot);
  }
  return std::string(h);
}

// asctime(3) format in UTC, by calendar arithmetic: gmtime_r and
// strftime would read the time zone files on every delivery.
std::string AsctimeUtc(time_t now) {
  using namespace std::chrono;
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  sys_seconds t{seconds{now}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  char date[64];
  std::snprintf(date, sizeof date, "%s %s %2u %02d:%02d:%02d %d", kDays[weekday{day}.c_encoding()],
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(ymd.year()));
  return date;
}

}  // namespace

Result<Arguments> ParseArguments(int argc, char** argv) {
  Arguments a;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; ++i) {
    std::string_view opt = argv[i];
    if (opt == "--") {
      ++i;
      break;
    }
    for (char c : opt.substr(1)) {
      if (c == 'n') a.deliver = false;
      else if (c == 'N') a.deliver = true;
      else return MakeError(std::string("usage: unknown option -") + c, 111);
    }
  }
  if (argc - i != 8)
    return MakeError("usage: mailsuite-local [-nN] user homedir local dash ext domain sender defaultdelivery", 111);
  a.user = argv[i];
  a.home = argv[i + 1];
  a.local = argv[i + 2];
  a.dash = argv[i + 3];
  a.ext = argv[i + 4];
  a.domain = argv[i + 5];
  a.sender = argv[i + 6];
  a.default_delivery = argv[i + 7];
  if (a.home.empty() || a.home[0] != '/') return MakeError("usage: homedir must be an absolute path", 111);
  return a;
}

Recipient MakeRecipient(Arguments args, time_t now) {
  Recipient r;
  r.address = args.local + "@" + args.domain;
  r.dtline = OneHeaderLine("Delivered-To: " + r.address);
  r.rpline = OneHeaderLine("Return-Path: <" + args.sender + ">");
  std::string from = args.sender.empty() ? "MAILER-DAEMON" : args.sender;
  for (char& c : from)
    if (c == ' ' || c == '\t') c = '-';
  r.ufline = OneHeaderLine("From " + from + " " + AsctimeUtc(now));
  r.new_sender = args.sender;
  r.args = std::move(args);
  return r;
}

std::string ForwardSender(const Arguments& args, bool owner_file_exists) {
  if (args.sender.empty() || args.sender == "#@[]" || !owner_file_exists) return args.sender;
  return args.local + "-owner@" + args.domain;
}

std::vector<std::string> ProgramEnvironment(const Recipient& r, char** base) {
  const Arguments& a = r.args;
  std::vector<std::pair<std::string, std::string>> ours = {
      {"SENDER", a.sender},
      {"NEWSENDER", r.new_sender},
      {"RECIPIENT", r.address},
      {"USER", a.user},
      {"HOME", a.home},
      {"HOST", a.domain},
      {"HOST2", HostWithoutLast(a.domain, 1)},
      {"HOST3", HostWithoutLast(a.domain, 2)},
      {"HOST4", HostWithoutLast(a.domain, 3)},
      {"LOCAL", a.local},
      {"EXT", a.ext},
      {"EXT2", ExtAfterDashes(a.ext, 1)},
      {"EXT3", ExtAfterDashes(a.ext, 2)},
      {"EXT4", ExtAfterDashes(a.ext, 3)},
      {"DTLINE", r.dtline},
      {"RPLINE", r.rpline},
      {"UFLINE", r.ufline},
  };
  if (r.has_default) ours.emplace_back("DEFAULT", r.default_part);
  std::vector<std::string> env;
  for (char** e = base; e != nullptr && *e != nullptr; ++e) {
    std::string_view var = *e;
    std::string_view name = var.substr(0, var.find('='));
    bool replaced = name == "DEFAULT";
    for (const auto& [n, v] : ours) replaced = replaced || name == n;
    if (!replaced) env.emplace_back(var);
  }
  for (const auto& [n, v] : ours) env.push_back(n + "=" + v);
  return env;
}

}  // namespace ms::local
