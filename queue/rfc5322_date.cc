#include "queue/rfc5322_date.h"

#include <cstdio>

namespace ms::queue {

std::string FormatRfc5322Date(time_t when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm t;
  ::gmtime_r(&when, &t);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %d %s %d %02d:%02d:%02d +0000", kDays[t.tm_wday % 7],
                t.tm_mday, kMonths[t.tm_mon % 12], t.tm_year + 1900, t.tm_hour, t.tm_min,
                t.tm_sec);
  return out;
}

}  // namespace ms::queue
