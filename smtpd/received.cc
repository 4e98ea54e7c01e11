#include "smtpd/received.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace ms::smtpd {

namespace {

constexpr size_t kMaxField = 255;

std::string SafeField(std::string_view text) {
  if (text.empty()) return "unknown";
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxField; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool ok = c > 32 && c < 127 && c != '(' && c != ')' && c != '[' && c != ']' && c != '\\';
    out.push_back(ok ? static_cast<char>(c) : '?');
  }
  return out;
}

}  // namespace

std::string AddressLiteralText(std::string_view ip) {
  std::string text(ip.substr(0, 64));
  if (text.find(':') == std::string::npos) return SafeField(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET6, text.c_str(), buf) != 1) return SafeField(text);
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN];
  if (std::equal(kMapped, kMapped + 12, buf)) {
    inet_ntop(AF_INET, buf + 12, out, sizeof out);
    return out;
  }
  inet_ntop(AF_INET6, buf, out, sizeof out);
  return std::string("IPv6:") + out;
}

std::string Rfc5322Date(time_t when) {
  struct tm tm;
  gmtime_r(&when, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %d %s %d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7], tm.tm_mday,
           kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
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
  out += " with ";
  out += info.protocol.empty() ? std::string_view("ESMTP") : info.protocol;
  out += "; ";
  out += Rfc5322Date(when);
  out += "\n";
  return out;
}

}  // namespace ms::smtpd
