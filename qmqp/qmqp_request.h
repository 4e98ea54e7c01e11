// The QMQP request as mailsuite-qmqpd reads it (QMQP.md): one netstring
// holding the message netstring, the sender netstring and one or more
// recipient netstrings.  A push parser: the caller feeds whatever the
// socket gave and gets one event at a time, so the message streams to the
// queue in constant memory while every length is checked against the
// limits the moment its digits pass them.
#ifndef MAILSUITE_QMQP_QMQP_REQUEST_H_
#define MAILSUITE_QMQP_QMQP_REQUEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "qmqp/netstring.h"

namespace ms::qmqp {

// The longest netstring length we read at all (12 digits): with databytes
// 0 (no limit) this is the only bound on the message.
inline constexpr uint64_t kMaxLength = 999'999'999'999;
// Recipients of one message when control/qmqpmaxrcpt says nothing.
inline constexpr uint64_t kDefaultMaxRecipients = 10000;

struct RequestLimits {
  uint64_t max_message = 0;  // control/databytes; 0: kMaxLength
  uint64_t max_address = kMaxEnvelopeAddress;
  uint64_t max_recipients = kDefaultMaxRecipients;
};

enum class RequestError {
  kNone,
  kMalformed,          // not a netstring of netstrings, lengths that disagree
  kRequestTooLong,     // the outer length is beyond what the limits allow
  kMessageTooLarge,    // over databytes
  kAddressTooLong,
  kNulInAddress,       // the queue envelope cannot carry it
  kTooManyRecipients,
  kNoRecipients,
};

class RequestParser {
 public:
  enum class Event {
    kNeedMore,      // all input used; feed more
    kMessageStart,  // message_length() is known, no byte of it read yet
    kMessageData,   // message_data() is the next piece of the message
    kComplete,      // sender() and recipients() are all there
    kRefused,       // error(); the request is refused, read no further
  };

  explicit RequestParser(const RequestLimits& limits);
  // Consumes a prefix of input (*used octets) up to the next event.
  // After kComplete or kRefused it consumes nothing and repeats that event.
  Event Feed(std::string_view input, size_t* used);

  uint64_t message_length() const { return message_length_; }
  std::string_view message_data() const { return message_data_; }
  const std::string& sender() const { return sender_; }
  const std::vector<std::string>& recipients() const { return recipients_; }
  RequestError error() const { return error_; }

 private:
  enum class Stage { kOuterLength, kItemLength, kMessage, kAddress, kItemComma, kOuterComma, kEnd };

  Event Refuse(RequestError error);
  Event StartItem();
  Event EndItem();

  RequestLimits limits_;
  uint64_t outer_limit_;
  Stage stage_ = Stage::kOuterLength;
  NetstringLength length_;
  uint64_t outer_length_ = 0;
  uint64_t inner_used_ = 0;  // octets of the outer netstring's content read
  int item_ = 0;             // 0 message, 1 sender, 2... recipients
  uint64_t item_length_ = 0;
  uint64_t item_read_ = 0;
  uint64_t message_length_ = 0;
  std::string_view message_data_;
  std::string address_;
  std::string sender_;
  std::vector<std::string> recipients_;
  RequestError error_ = RequestError::kNone;
};

// The whole request as a client sends it (mailsuite-qmqpc): one netstring
// of the message, sender and recipient netstrings.
std::string EncodeRequest(std::string_view message, std::string_view sender,
                          const std::vector<std::string>& recipients);

// The D reply text for a refusal, qmail's form: "text (#5.x.x)".
std::string RefusalText(RequestError error, const RequestLimits& limits);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQP_REQUEST_H_
