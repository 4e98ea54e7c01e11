#include "rblcheck/zone_check.h"

#include <cstdlib>
#include <vector>

namespace ms::rbl {

int64_t LookupTimeoutMs() {
  constexpr int64_t kDefaultMs = 10000;
  const char* text = std::getenv("MAILSUITE_DNS_TIMEOUT");
  if (!text || !*text) return kDefaultMs;
  char* end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end || !(seconds > 0) || seconds > 3600) return kDefaultMs;
  return static_cast<int64_t>(seconds * 1000);
}

bool IsLiteralName(std::string_view name) {
  for (char c : name) {
    if (!(c == '.' || c == '[' || c == ']' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool LiteralNameHasAddress(std::string_view name) {
  size_t codes = 1;
  for (char c : name) codes += c == '.';
  return codes >= 4;
}

ZoneCheck::ZoneCheck(dns::Lookups* lookups, std::string_view prefix, const ZoneOption& zone)
    : lookups_(lookups), zone_(zone), name_(std::string(prefix) + zone.zone) {
  switch (zone.kind) {
    case ZoneKind::kTxtList:
      txt_ = lookups_->Start(name_, dns::Type::kTxt);
      break;
    case ZoneKind::kAntiList:
      if (IsLiteralName(name_)) {
        literal_listed_ = LiteralNameHasAddress(name_);
      } else {
        a_ = lookups_->Start(name_, dns::Type::kA);
      }
      break;
    case ZoneKind::kRangeList:
      a_ = lookups_->Start(name_, dns::Type::kA);
      txt_ = lookups_->Start(name_, dns::Type::kTxt);
      break;
  }
}

ZoneOutcome ZoneCheck::Outcome(const Deadline& deadline) {
  using dns::Status;
  ZoneOutcome out;
  switch (zone_.kind) {
    case ZoneKind::kTxtList: {
      Status s = dns::ReadTxtText(lookups_->Wait(txt_, deadline), &out.text);
      out.temporary_failure = s == Status::kTemporary;
      out.listed = s == Status::kFound;
      break;
    }
    case ZoneKind::kAntiList: {
      if (a_ == kNone) {
        out.listed = literal_listed_;
        break;
      }
      std::vector<uint32_t> a;
      Status s = dns::ReadIp4(lookups_->Wait(a_, deadline), &a);
      out.temporary_failure = s == Status::kTemporary;
      out.listed = s == Status::kFound;
      if (out.listed) {
        code_ = a.front();
        out.code = *code_;
      }
      break;
    }
    case ZoneKind::kRangeList: {
      std::vector<uint32_t> a;
      out.temporary_failure = dns::ReadIp4(lookups_->Wait(a_, deadline), &a) == Status::kTemporary;
      if (out.temporary_failure) break;
      for (uint32_t code : a) {
        if (code >= zone_.low && code <= zone_.high) {
          code_ = code;
          break;
        }
      }
      out.listed = code_.has_value();
      if (!out.listed) break;
      out.code = *code_;
      std::string text;
      if (dns::ReadTxtText(lookups_->Wait(txt_, deadline), &text) != Status::kTemporary) {
        out.text = std::move(text);
      }
      break;
    }
  }
  return out;
}

}  // namespace ms::rbl
