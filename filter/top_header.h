// The message's own header section (not a MIME part's), read again from
// the filter's spool: the sender authentication needs its fields by name
// (From:, our smtpd's Received-SPF: on top, Authentication-Results:) and
// must be able to hand the message on without some of them.  Parsed by
// queue/header_section.h, as mailsuite-inject reads headers.
#ifndef MAILSUITE_FILTER_TOP_HEADER_H_
#define MAILSUITE_FILTER_TOP_HEADER_H_

#include <cstdint>
#include <string>

#include "queue/header_section.h"
#include "result.h"

namespace ms::filter {

struct TopHeader {
  queue::HeaderSection section;
  uint64_t end = 0;  // offset of what follows the header section (the empty line consumed)
};

// Reads the header section of the size bytes in fd (pread from offset 0),
// at most max_bytes of it: longer is an error, as is an unreadable fd.
Result<TopHeader> ReadTopHeader(int fd, uint64_t size, size_t max_bytes);

// The field's value without line breaks (unfolded).
std::string Unfolded(const queue::HeaderField& field);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_TOP_HEADER_H_
