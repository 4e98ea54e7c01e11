#include "rblcheck/dns_packet.h"

namespace ms::rbl {

namespace {

uint16_t Get16(std::string_view p, size_t pos) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[pos]) << 8) | static_cast<uint8_t>(p[pos + 1]));
}

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 255));
}

// Position after the (possibly compressed) name at pos, or 0 when it runs
// past the packet (djbdns dns_packet_skipname).
size_t SkipName(std::string_view p, size_t pos) {
  while (pos < p.size()) {
    uint8_t ch = static_cast<uint8_t>(p[pos++]);
    if (ch >= 192) return pos + 1 <= p.size() ? pos + 1 : 0;
    if (ch >= 64) return 0;
    if (!ch) return pos;
    pos += ch;
  }
  return 0;
}

// Decodes the name at pos into lower-case wire form, following at most
// 64 compression pointers; false when malformed.
bool ReadName(std::string_view p, size_t pos, std::string* out) {
  out->clear();
  int jumps = 0;
  while (pos < p.size()) {
    uint8_t ch = static_cast<uint8_t>(p[pos++]);
    if (ch >= 192) {
      if (pos >= p.size() || ++jumps > 64) return false;
      pos = ((ch & 63u) << 8) | static_cast<uint8_t>(p[pos]);
      continue;
    }
    if (ch >= 64) return false;
    out->push_back(static_cast<char>(ch));
    if (!ch) return out->size() <= 255;
    if (pos + ch > p.size()) return false;
    for (uint8_t i = 0; i < ch; ++i) {
      char c = p[pos + i];
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    pos += ch;
    if (out->size() > 255) return false;
  }
  return false;
}

std::string LowerWire(std::string_view wire) {
  std::string out(wire);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

void AppendTxtStrings(std::string_view rdata, std::string* out) {
  unsigned remaining = 0;
  for (char ch : rdata) {
    if (!remaining) {
      remaining = static_cast<uint8_t>(ch);
      continue;
    }
    --remaining;
    out->push_back(ch < 32 || ch > 126 ? '?' : ch);
  }
}

}  // namespace

std::optional<std::string> NameToWire(std::string_view dotted) {
  std::string out;
  std::string label;
  auto flush = [&]() {
    if (label.empty()) return true;
    if (label.size() > 63) return false;
    out.push_back(static_cast<char>(label.size()));
    out += label;
    label.clear();
    return out.size() < 255;
  };
  for (size_t i = 0; i < dotted.size(); ++i) {
    char ch = dotted[i];
    if (ch == '.') {
      if (!flush()) return std::nullopt;
      continue;
    }
    if (ch == '\\' && i + 1 < dotted.size()) {
      ch = dotted[++i];
      if (ch >= '0' && ch <= '7') {
        unsigned value = static_cast<unsigned>(ch - '0');
        while (i + 1 < dotted.size() && dotted[i + 1] >= '0' && dotted[i + 1] <= '7' &&
               value < 32) {
          value = value * 8 + static_cast<unsigned>(dotted[++i] - '0');
        }
        ch = static_cast<char>(value);
      }
    }
    label.push_back(ch);
    if (label.size() > 63) return std::nullopt;
  }
  if (!flush()) return std::nullopt;
  out.push_back('\0');
  return out;
}

std::string BuildQuery(uint16_t id, std::string_view wire_name, uint16_t qtype) {
  std::string q;
  q.reserve(16 + wire_name.size());
  Put16(&q, id);
  q += std::string_view("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);
  q += wire_name;
  Put16(&q, qtype);
  Put16(&q, 1);
  return q;
}

Answer ParseAnswer(std::string_view p, std::string_view query) {
  Answer answer;
  if (p.size() < 12 || query.size() < 17) return answer;
  if (p.substr(0, 2) != query.substr(0, 2)) return answer;       // id
  if (!(static_cast<uint8_t>(p[2]) & 0x80)) return answer;       // not a response
  if (Get16(p, 4) != 1) return answer;                           // one question
  std::string name;
  if (!ReadName(p, 12, &name)) return answer;
  std::string_view query_name = query.substr(12, query.size() - 16);
  if (name != LowerWire(query_name)) return answer;
  size_t pos = SkipName(p, 12);
  if (!pos || pos + 4 > p.size()) return answer;
  if (p.substr(pos, 4) != query.substr(query.size() - 4)) return answer;  // type, class
  pos += 4;
  if (static_cast<uint8_t>(p[2]) & 0x02) {
    answer.kind = AnswerKind::kTruncated;
    return answer;
  }
  unsigned rcode = static_cast<uint8_t>(p[3]) & 15u;
  if (rcode && rcode != 3) {
    answer.kind = AnswerKind::kServerFailed;
    return answer;
  }
  answer.kind = AnswerKind::kMalformed;
  unsigned count = Get16(p, 6);
  while (count--) {
    pos = SkipName(p, pos);
    if (!pos || pos + 10 > p.size()) return answer;
    uint16_t type = Get16(p, pos);
    uint16_t klass = Get16(p, pos + 2);
    uint16_t length = Get16(p, pos + 8);
    pos += 10;
    if (klass == 1 && (type == kTypeTxt || type == kTypeA)) {
      if (pos + length > p.size()) return answer;
      std::string_view rdata = p.substr(pos, length);
      if (type == kTypeTxt) {
        AppendTxtStrings(rdata, &answer.txt);
      } else if (length == 4) {
        answer.a.push_back((uint32_t{static_cast<uint8_t>(rdata[0])} << 24) |
                           (uint32_t{static_cast<uint8_t>(rdata[1])} << 16) |
                           (uint32_t{static_cast<uint8_t>(rdata[2])} << 8) |
                           static_cast<uint8_t>(rdata[3]));
      }
    }
    pos += length;
  }
  answer.kind = AnswerKind::kUsable;
  return answer;
}

}  // namespace ms::rbl
