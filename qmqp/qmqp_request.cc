#include "qmqp/qmqp_request.h"

#include <algorithm>

namespace ms::qmqp {

namespace {

uint64_t Digits(uint64_t n) {
  uint64_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

uint64_t MessageLimit(const RequestLimits& limits) {
  return limits.max_message == 0 ? kMaxLength : std::min(limits.max_message, kMaxLength);
}

// The longest outer netstring the limits allow: the message and every
// address at their limits, each with its length digits, colon and comma.
uint64_t OuterLimit(const RequestLimits& limits) {
  uint64_t message = MessageLimit(limits);
  uint64_t address = limits.max_address + Digits(limits.max_address) + 2;
  uint64_t total = message + Digits(message) + 2 + (limits.max_recipients + 1) * address;
  return std::min(total, kMaxLength);
}

}  // namespace

RequestParser::RequestParser(const RequestLimits& limits)
    : limits_(limits), outer_limit_(OuterLimit(limits)), length_(outer_limit_) {}

RequestParser::Event RequestParser::Refuse(RequestError error) {
  error_ = error;
  stage_ = Stage::kEnd;
  return Event::kRefused;
}

// At the start of the outer content and after each item's comma.
RequestParser::Event RequestParser::StartItem() {
  if (inner_used_ == outer_length_) {
    if (item_ < 2) return Refuse(RequestError::kMalformed);  // no message or no sender
    if (item_ == 2) return Refuse(RequestError::kNoRecipients);
    stage_ = Stage::kOuterComma;
    return Event::kNeedMore;
  }
  if (item_ >= 2 && recipients_.size() >= limits_.max_recipients)
    return Refuse(RequestError::kTooManyRecipients);
  length_ = NetstringLength(item_ == 0 ? MessageLimit(limits_) : limits_.max_address);
  stage_ = Stage::kItemLength;
  return Event::kNeedMore;
}

RequestParser::Event RequestParser::EndItem() {
  if (item_ == 1) {
    sender_ = std::move(address_);
  } else if (item_ >= 2) {
    recipients_.push_back(std::move(address_));
  }
  address_.clear();
  ++item_;
  return StartItem();
}

RequestParser::Event RequestParser::Feed(std::string_view input, size_t* used) {
  size_t i = 0;
  Event event = Event::kNeedMore;
  auto done = [&](Event e) {
    *used = i;
    return e;
  };
  for (;;) {
    switch (stage_) {
      case Stage::kEnd:
        return done(error_ == RequestError::kNone ? Event::kComplete : Event::kRefused);
      case Stage::kOuterLength: {
        if (i == input.size()) return done(Event::kNeedMore);
        auto state = length_.Feed(input[i++]);
        if (state == NetstringLength::State::kMore) continue;
        if (state == NetstringLength::State::kMalformed) return done(Refuse(RequestError::kMalformed));
        if (state == NetstringLength::State::kTooLong)
          return done(Refuse(RequestError::kRequestTooLong));
        outer_length_ = length_.value();
        event = StartItem();
        if (event == Event::kRefused) return done(event);
        continue;
      }
      case Stage::kItemLength: {
        if (i == input.size()) return done(Event::kNeedMore);
        ++inner_used_;
        if (inner_used_ > outer_length_) return done(Refuse(RequestError::kMalformed));
        auto state = length_.Feed(input[i++]);
        if (state == NetstringLength::State::kMore) continue;
        if (state == NetstringLength::State::kMalformed) return done(Refuse(RequestError::kMalformed));
        if (state == NetstringLength::State::kTooLong)
          return done(Refuse(item_ == 0 ? RequestError::kMessageTooLarge : RequestError::kAddressTooLong));
        item_length_ = length_.value();
        item_read_ = 0;
        // The item and its comma must fit in what the outer length has left.
        if (item_length_ + 1 > outer_length_ - inner_used_) return done(Refuse(RequestError::kMalformed));
        if (item_ == 0) {
          message_length_ = item_length_;
          stage_ = Stage::kMessage;
          return done(Event::kMessageStart);
        }
        stage_ = Stage::kAddress;
        continue;
      }
      case Stage::kMessage: {
        if (item_read_ == item_length_) {
          stage_ = Stage::kItemComma;
          continue;
        }
        if (i == input.size()) return done(Event::kNeedMore);
        size_t n = static_cast<size_t>(std::min<uint64_t>(input.size() - i, item_length_ - item_read_));
        message_data_ = input.substr(i, n);
        i += n;
        item_read_ += n;
        inner_used_ += n;
        return done(Event::kMessageData);
      }
      case Stage::kAddress: {
        if (item_read_ == item_length_) {
          stage_ = Stage::kItemComma;
          continue;
        }
        if (i == input.size()) return done(Event::kNeedMore);
        size_t n = static_cast<size_t>(std::min<uint64_t>(input.size() - i, item_length_ - item_read_));
        std::string_view piece = input.substr(i, n);
        if (piece.find('\0') != std::string_view::npos) return done(Refuse(RequestError::kNulInAddress));
        address_.append(piece);
        i += n;
        item_read_ += n;
        inner_used_ += n;
        continue;
      }
      case Stage::kItemComma: {
        if (i == input.size()) return done(Event::kNeedMore);
        ++inner_used_;
        if (input[i++] != ',') return done(Refuse(RequestError::kMalformed));
        event = EndItem();
        if (event == Event::kRefused) return done(event);
        continue;
      }
      case Stage::kOuterComma: {
        if (i == input.size()) return done(Event::kNeedMore);
        if (input[i++] != ',') return done(Refuse(RequestError::kMalformed));
        stage_ = Stage::kEnd;
        return done(Event::kComplete);
      }
    }
  }
}

std::string EncodeRequest(std::string_view message, std::string_view sender,
                          const std::vector<std::string>& recipients) {
  std::string inner = NetstringPrefix(message.size());
  inner.append(message);
  inner.push_back(',');
  inner += EncodeNetstring(sender);
  for (const std::string& r : recipients) inner += EncodeNetstring(r);
  std::string out = NetstringPrefix(inner.size());
  out += inner;
  out.push_back(',');
  return out;
}

std::string RefusalText(RequestError error, const RequestLimits& limits) {
  switch (error) {
    case RequestError::kNone:
      break;
    case RequestError::kMalformed:
      return "malformed QMQP request (#5.5.2)";
    case RequestError::kRequestTooLong:
      return "QMQP request larger than the limits allow (message at most " +
             std::to_string(MessageLimit(limits)) + " bytes) (#5.3.4)";
    case RequestError::kMessageTooLarge:
      return "message is larger than the limit of " + std::to_string(MessageLimit(limits)) +
             " bytes (#5.3.4)";
    case RequestError::kAddressTooLong:
      return "address longer than " + std::to_string(limits.max_address) + " octets (#5.1.3)";
    case RequestError::kNulInAddress:
      return "NUL in an envelope address (#5.1.3)";
    case RequestError::kTooManyRecipients:
      return "more than " + std::to_string(limits.max_recipients) + " recipients (#5.5.3)";
    case RequestError::kNoRecipients:
      return "no recipients (#5.5.2)";
  }
  return "malformed QMQP request (#5.5.2)";
}

}  // namespace ms::qmqp
