// What mailsuite-inject does to the header section: recipients for -t
// (To/Cc/Bcc, or Resent-To/-Cc/-Bcc when the message is being resent, as
// qmail-inject), Bcc removed, and Date, Message-ID and From added when
// missing.
#ifndef MAILSUITE_QUEUE_INJECT_HEADER_H_
#define MAILSUITE_QUEUE_INJECT_HEADER_H_

#include <string>
#include <string_view>
#include <vector>

#include "queue/header_section.h"
#include "result.h"

namespace ms::queue {

// Every address of the recipient fields, unqualified, in order.
Result<std::vector<std::string>> HeaderRecipients(const std::vector<HeaderField>& fields);

struct AddedFields {
  std::string date;        // RFC 5322 date text
  std::string message_id;  // "<...>"
  std::string from_address;
  std::string from_name;   // may be empty
};

// The header section to queue: the fields without Bcc/Resent-Bcc, then
// the missing ones of `added`, then the empty line that ends the section.
std::string RebuildHeader(const std::vector<HeaderField>& fields, const AddedFields& added);

// "name" <address> with the name quoted and stripped of control
// characters (a newline in -F must not start a new header field).
std::string FormatMailbox(std::string_view name, std::string_view address);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_INJECT_HEADER_H_
