// What the scheduler may ask of the local spawner: deliver this message
// to this recipient — an address, never an account (send/SPAWNER.md
// "Request to the local spawner").  The spawner decides who that is.
#ifndef MAILSUITE_SEND_RECIPIENT_REQUEST_H_
#define MAILSUITE_SEND_RECIPIENT_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ms::send {

struct RecipientRequest {
  uint64_t job = 0;
  std::string local;           // rewritten local part (virtualdomains prepend included)
  std::string original_local;  // the recipient's own local part
  std::string domain;          // lower case
  std::string sender;          // envelope sender as the deliverer gets it
};

// `job NUL local NUL original_local NUL domain NUL sender NUL`: exactly
// five fields; Decode rejects anything else (an old-style request with a
// uid, a gid or a delivery instruction among them included).
// The fields of a datagram of NUL-terminated fields (both spawner
// requests); nullopt unless it is non-empty and ends in NUL.
std::optional<std::vector<std::string_view>> SplitNulTerminated(std::string_view data);

std::string EncodeRecipientRequest(const RecipientRequest& request);
std::optional<RecipientRequest> DecodeRecipientRequest(std::string_view data);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_RECIPIENT_REQUEST_H_
