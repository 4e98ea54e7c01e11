// Dates for mail headers (RFC 5322 section 3.3), always in UTC so that no
// time-zone file has to be read: "Sun, 22 Nov 2026 18:04:21 +0000".
#ifndef MAILSUITE_QUEUE_RFC5322_DATE_H_
#define MAILSUITE_QUEUE_RFC5322_DATE_H_

#include <ctime>
#include <string>

namespace ms::queue {

std::string FormatRfc5322Date(time_t when);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_RFC5322_DATE_H_
