// Forwarding (`&address` lines): all forward targets of one delivery go
// into ONE new queued message, as qmail-local does: $QMAILQUEUE (default
// mailsuite-queue via ms::ProgramPath) gets the Delivered-To line plus the
// message on fd 0 and the envelope (F sender, T each address) on fd 1.
// lib/queue_client.h runs it; its verdict becomes ours: queued; refused
// for good (100); anything else, a failed write or a queue program that
// did not answer in time included, temporary (111).
#ifndef MAILSUITE_LOCAL_FORWARD_H_
#define MAILSUITE_LOCAL_FORWARD_H_

#include <string>
#include <string_view>
#include <vector>

#include "local/message.h"
#include "result.h"

namespace ms::local {

Status Forward(const std::vector<std::string>& recipients, const std::string& sender,
               std::string_view dtline, const Message& message);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_FORWARD_H_
