// qmqp/: netstrings, the QMQP request parser (hostile input), the reply
// and control/qmqpservers.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "qmqp/netstring.h"
#include "qmqp/qmqp_reply.h"
#include "qmqp/qmqp_request.h"
#include "qmqp/qmqp_servers.h"

using ms::qmqp::EncodeNetstring;
using ms::qmqp::RequestError;
using ms::qmqp::RequestLimits;
using ms::qmqp::RequestParser;

namespace {

struct Outcome {
  bool complete = false;
  RequestError error = RequestError::kNone;
  std::string message;
  std::string sender;
  std::vector<std::string> recipients;
  int starts = 0;
  size_t consumed = 0;  // octets of the input the parser took
};

// Feeds input in pieces of `step` octets (1: one at a time).
Outcome Parse(const std::string& input, RequestLimits limits = {}, size_t step = 1 << 20) {
  RequestParser parser(limits);
  Outcome out;
  size_t pos = 0;
  for (int guard = 0; guard < 10000000; ++guard) {
    std::string_view piece = std::string_view(input).substr(pos, std::min(step, input.size() - pos));
    size_t used = 0;
    auto event = parser.Feed(piece, &used);
    REQUIRE(used <= piece.size());
    pos += used;
    switch (event) {
      case RequestParser::Event::kNeedMore:
        if (pos == input.size()) {
          out.consumed = pos;
          return out;  // truncated
        }
        break;
      case RequestParser::Event::kMessageStart:
        ++out.starts;
        break;
      case RequestParser::Event::kMessageData:
        out.message.append(parser.message_data());
        break;
      case RequestParser::Event::kComplete:
        out.complete = true;
        out.sender = parser.sender();
        out.recipients = parser.recipients();
        out.consumed = pos;
        return out;
      case RequestParser::Event::kRefused:
        out.error = parser.error();
        out.consumed = pos;
        return out;
    }
  }
  FAIL("parser made no progress");
  return out;
}

std::string Request(const std::string& message, const std::string& sender,
                    const std::vector<std::string>& recipients) {
  return ms::qmqp::EncodeRequest(message, sender, recipients);
}

}  // namespace

TEST_CASE("netstring encoding and the length reader", "[qmqp]") {
  CHECK(EncodeNetstring("hello world!") == "12:hello world!,");
  CHECK(EncodeNetstring("") == "0:,");
  std::string_view content;
  size_t used = 0;
  using State = ms::qmqp::NetstringLength::State;
  CHECK(ms::qmqp::ParseNetstring("3:abc,rest", 10, &content, &used) == State::kDone);
  CHECK(content == "abc");
  CHECK(used == 6);
  CHECK(ms::qmqp::ParseNetstring("0:,", 10, &content, &used) == State::kDone);
  CHECK(content.empty());
  CHECK(ms::qmqp::ParseNetstring("3:abc", 10, &content, &used) == State::kMore);
  CHECK(ms::qmqp::ParseNetstring("3:abcd", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring("03:abc,", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring("00:,", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring(":abc,", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring("-3:abc,", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring(" 3:abc,", 10, &content, &used) == State::kMalformed);
  CHECK(ms::qmqp::ParseNetstring("11:abc", 10, &content, &used) == State::kTooLong);
  // Refused at the digit that passes the limit, however many follow.
  ms::qmqp::NetstringLength length(99);
  CHECK(length.Feed('9') == State::kMore);
  CHECK(length.Feed('9') == State::kMore);
  CHECK(length.Feed('9') == State::kTooLong);
  ms::qmqp::NetstringLength huge(UINT64_MAX);
  State s = State::kMore;
  for (int i = 0; i < 40 && s == State::kMore; ++i) s = huge.Feed('9');
  CHECK(s == State::kTooLong);  // no overflow into a small value
  ms::qmqp::NetstringLength zero_limit(0);
  CHECK(zero_limit.Feed('5') == State::kTooLong);
}

TEST_CASE("a well-formed request, whole and octet by octet", "[qmqp]") {
  std::string req = Request("Subject: hi\n\nbody\n", "a@b.test", {"c@d.test", "e@f.test"});
  for (size_t step : {size_t{1}, size_t{3}, size_t{1} << 20}) {
    Outcome o = Parse(req, {}, step);
    CHECK(o.complete);
    CHECK(o.starts == 1);
    CHECK(o.message == "Subject: hi\n\nbody\n");
    CHECK(o.sender == "a@b.test");
    CHECK(o.recipients == std::vector<std::string>{"c@d.test", "e@f.test"});
    CHECK(o.consumed == req.size());
  }
  // The byte-for-byte example form: 1 recipient, null sender, empty message.
  Outcome o = Parse("13:0:,0:,4:x@yz,,");
  CHECK(o.complete);
  CHECK(o.message.empty());
  CHECK(o.sender.empty());
  CHECK(o.recipients == std::vector<std::string>{"x@yz"});
  // What follows the outer comma is not the parser's.
  o = Parse(req + "garbage");
  CHECK(o.complete);
  CHECK(o.consumed == req.size());
}

TEST_CASE("hostile requests are refused, never completed", "[qmqp]") {
  RequestLimits limits;
  limits.max_message = 1000;
  limits.max_recipients = 3;
  SECTION("huge outer length: refused at once, nothing more read") {
    Outcome o = Parse("99999999999999999999999:", limits);
    CHECK(o.error == RequestError::kRequestTooLong);
    CHECK(o.consumed < 20);
  }
  SECTION("huge message length") {
    Outcome o = Parse("5000:2000:", limits);
    CHECK(o.error == RequestError::kMessageTooLarge);
    CHECK(o.starts == 0);
    CHECK(ms::qmqp::RefusalText(o.error, limits) == "message is larger than the limit of 1000 bytes (#5.3.4)");
  }
  SECTION("message length over databytes by one") {
    std::string big(1001, 'x');
    CHECK(Parse(Request(big, "a@b", {"c@d"}), limits).error == RequestError::kMessageTooLarge);
    CHECK(Parse(Request(big.substr(1), "a@b", {"c@d"}), limits).complete);
  }
  SECTION("leading zeros") {
    CHECK(Parse("016:2:hi,3:a@b,3:c@d,,").error == RequestError::kMalformed);
    CHECK(Parse("16:02:hi,3:a@b,3:c@d,,").error == RequestError::kMalformed);
    CHECK(Parse("16:2:hi,03:a@b,3:c@d,,").error == RequestError::kMalformed);
  }
  SECTION("missing commas") {
    CHECK(Parse("16:2:hi;3:a@b,3:c@d,,").error == RequestError::kMalformed);
    CHECK(Parse("16:2:hi,3:a@b,3:c@d,;").error == RequestError::kMalformed);
    CHECK(Parse("16:2:hi,3:a@b3:c@d,,").error == RequestError::kMalformed);
  }
  SECTION("no colon, empty length, non-digits") {
    CHECK(Parse("16;").error == RequestError::kMalformed);
    CHECK(Parse(":").error == RequestError::kMalformed);
    CHECK(Parse("1a:").error == RequestError::kMalformed);
    CHECK(Parse("16:x").error == RequestError::kMalformed);
  }
  SECTION("truncated anywhere: never complete, never refused") {
    std::string req = Request("Subject: x\n\nbody\n", "a@b.test", {"c@d.test"});
    for (size_t cut = 0; cut < req.size(); ++cut) {
      Outcome o = Parse(req.substr(0, cut));
      CHECK_FALSE(o.complete);
      CHECK(o.error == RequestError::kNone);
    }
  }
  SECTION("zero recipients") {
    CHECK(Parse("11:2:hi,3:a@b,,").error == RequestError::kNoRecipients);
    CHECK(ms::qmqp::RefusalText(RequestError::kNoRecipients, limits).find("(#5.") != std::string::npos);
  }
  SECTION("no sender, no message, empty outer") {
    CHECK(Parse("5:2:hi,,").error == RequestError::kMalformed);
    CHECK(Parse("0:,").error == RequestError::kMalformed);
  }
  SECTION("nested length mismatch") {
    // The outer says 15, the items take 16.
    CHECK(Parse("15:2:hi,3:a@b,3:c@d,,").error == RequestError::kMalformed);
    // The outer says 17: one octet of a fourth item, cut by the outer end.
    CHECK(Parse("17:2:hi,3:a@b,3:c@d,1,").error == RequestError::kMalformed);
    // An item longer than what the outer has left.
    CHECK(Parse("10:20:hi,3:a@b,3:c@d,,").error == RequestError::kMalformed);
    CHECK(Parse("16:2:hi,3:a@b,9:c@d,,").error == RequestError::kMalformed);
  }
  SECTION("address too long") {
    std::string addr(1001, 'a');
    CHECK(Parse(Request("hi", addr, {"c@d"})).error == RequestError::kAddressTooLong);
    CHECK(Parse(Request("hi", "a@b", {addr})).error == RequestError::kAddressTooLong);
    CHECK(Parse(Request("hi", "a@b", {std::string(1000, 'a')})).complete);
  }
  SECTION("NUL in an address") {
    CHECK(Parse(Request("hi", std::string("a\0b", 3), {"c@d"})).error == RequestError::kNulInAddress);
    CHECK(Parse(Request("hi", "a@b", {std::string("c\0d", 3)})).error == RequestError::kNulInAddress);
    // A NUL in the message is the message's business.
    CHECK(Parse(Request(std::string("h\0i", 3), "a@b", {"c@d"})).complete);
  }
  SECTION("too many recipients") {
    CHECK(Parse(Request("hi", "a@b", {"1@x", "2@x", "3@x"}), limits).complete);
    CHECK(Parse(Request("hi", "a@b", {"1@x", "2@x", "3@x", "4@x"}), limits).error ==
          RequestError::kTooManyRecipients);
  }
  SECTION("the outer limit follows the limits") {
    // 1000-octet message, 4 addresses of 1000: fits; far beyond: refused by its digits.
    std::string req = Request(std::string(1000, 'm'), std::string(1000, 's'),
                              {std::string(1000, 'a'), std::string(1000, 'b'), std::string(1000, 'c')});
    CHECK(Parse(req, limits).complete);
    CHECK(Parse("100000:", limits).error == RequestError::kRequestTooLong);
  }
}

TEST_CASE("replies: encoding, parsing, fd 6 text", "[qmqp]") {
  using ms::qmqp::ParseReply;
  using ms::qmqp::Reply;
  using ms::qmqp::ReplyParse;
  CHECK(ms::qmqp::EncodeReply('K', "ok") == "3:Kok,");
  Reply r;
  CHECK(ParseReply("3:Kok,", &r) == ReplyParse::kDone);
  CHECK(r.letter == 'K');
  CHECK(r.text == "ok");
  CHECK(ParseReply("3:Kok", &r) == ReplyParse::kNeedMore);
  CHECK(ParseReply("3:Xok,", &r) == ReplyParse::kMalformed);
  CHECK(ParseReply("0:,", &r) == ReplyParse::kMalformed);
  CHECK(ParseReply("99999:D", &r) == ReplyParse::kMalformed);  // beyond kMaxReply
  CHECK(ParseReply("220 smtp.example ESMTP\r\n", &r) == ReplyParse::kMalformed);
  CHECK(ParseReply("4:Da\nb,", &r) == ReplyParse::kDone);
  CHECK(r.text == "a?b");
  r = Reply{'D', "message is too big (#5.3.4)"};
  CHECK(ms::qmqp::Fd6Text(r) == "5.3.4 message is too big");
  r = Reply{'Z', "disk full (#4.3.1)"};
  CHECK(ms::qmqp::Fd6Text(r) == "4.3.1 disk full");
  r = Reply{'D', "wrong class (#4.3.1)"};
  CHECK(ms::qmqp::Fd6Text(r) == "wrong class (#4.3.1)");
  r = Reply{'D', "no code"};
  CHECK(ms::qmqp::Fd6Text(r) == "no code");
  ms::QueueVerdict v;
  v.permanent = true;
  v.enhanced = "5.7.1";
  v.text = "virus found";
  CHECK(ms::qmqp::ReplyForVerdict(v, 12, 34) == "21:Dvirus found (#5.7.1),");
  v.queued = true;
  CHECK(ms::qmqp::ReplyForVerdict(v, 12, 34) == "12:Kok 34 qp 12,");
}

TEST_CASE("control/qmqpservers lines", "[qmqp]") {
  using ms::qmqp::ParseQmqpServer;
  auto a = ParseQmqpServer("192.0.2.1");
  REQUIRE(a);
  CHECK(a->ip.ToString() == "192.0.2.1");
  CHECK(a->port == 628);
  auto b = ParseQmqpServer("192.0.2.1:6280");
  REQUIRE(b);
  CHECK(b->port == 6280);
  auto c = ParseQmqpServer("[2001:db8::1]:700");
  REQUIRE(c);
  CHECK(c->ip.v6);
  CHECK(c->port == 700);
  auto d = ParseQmqpServer("2001:db8::1");
  REQUIRE(d);
  CHECK(d->port == 628);
  CHECK_FALSE(ParseQmqpServer("mail.example.com"));
  CHECK_FALSE(ParseQmqpServer("192.0.2.1:"));
  CHECK_FALSE(ParseQmqpServer("192.0.2.1:0"));
  CHECK_FALSE(ParseQmqpServer("192.0.2.1:65536"));
  CHECK_FALSE(ParseQmqpServer("192.0.2.1:x"));
  CHECK_FALSE(ParseQmqpServer("[2001:db8::1"));
  CHECK_FALSE(ParseQmqpServer("[2001:db8::1]x"));
  CHECK_FALSE(ms::qmqp::ParseQmqpServers({"192.0.2.1", "bad"}));
}
