#include "smtpd/received.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "ip_address.h"

namespace ms::smtpd {

namespace {

constexpr size_t kMaxField = 255;

std::string SafeField(std::string_view text) {
  if (text.empty()) return "unknown";
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxField; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // No parentheses: a HELO must not be able to fake the comment that
    // holds the real host and address.
    bool ok = c > 32 && c < 127 && c != '(' && c != ')' && c != '\\';
    out.push_back(ok ? static_cast<char>(c) : '?');
  }
  return out;
}

}  // namespace

std::string AddressLiteralText(std::string_view ip) {
  std::string text(ip.substr(0, 64));
  if (text.find(':') == std::string::npos) return SafeField(text);
  auto address = IpAddress::Parse(text);
  if (!address || !address->v6) return SafeField(text);
  if (address->IsV4Mapped()) return address->Unmapped().ToString();
  return "IPv6:" + address->ToString();
}

std::string Rfc5322Date(time_t when) {
  // UTC by hand: glibc's gmtime_r reads /etc/localtime on first use, a
  // file open per connection for nothing (H. Hinnant's civil_from_days).
  int64_t t = static_cast<int64_t>(when);
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  int64_t weekday = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %d %s %lld %02d:%02d:%02d +0000", kDays[weekday],
           static_cast<int>(day), kMonths[month - 1], static_cast<long long>(year),
           static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::string FormatReceived(const ReceivedInfo& info, time_t when) {
  std::string out = "Received: from ";
  out += SafeField(info.helo);
  out += " (";
  out += SafeField(info.remote_host);
  out += " [";
  out += AddressLiteralText(info.remote_ip);
  out += "])\n\tby ";
  out += SafeField(info.me);
  if (!info.version.empty()) {
    out += " (";
    out += info.version;  // ours, not the client's: mk/version allows [A-Za-z0-9._+-] only
    out += ")";
  }
  out += " with ";
  out += info.protocol.empty() ? std::string_view("ESMTP") : info.protocol;
  out += "; ";
  out += Rfc5322Date(when);
  out += "\n";
  return out;
}

}  // namespace ms::smtpd
