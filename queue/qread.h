// mailsuite-qread / mailq: prints the queue (QREAD.md).
#ifndef MAILSUITE_QUEUE_QREAD_H_
#define MAILSUITE_QUEUE_QREAD_H_

#include <string>
#include <vector>

#include "queue/queue_listing.h"

namespace ms::queue {

// Exit codes: 0 listed, 100 usage, 111 the queue could not be read.
int QreadMain(int argc, char** argv);

// Whether a recipient's domain is delivered here (locals, virtualdomains).
struct LocalDomains {
  std::vector<std::string> locals;
  std::vector<std::string> virtual_domains;  // the domain part of each line
  bool IsLocal(const std::string& address) const;
};

std::string FormatAge(int64_t seconds);
std::string FormatListing(const std::vector<ListedMessage>& messages, int64_t now,
                          const LocalDomains& domains);
std::string FormatCounts(const std::vector<ListedMessage>& messages);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QREAD_H_
