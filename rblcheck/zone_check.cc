#include "rblcheck/zone_check.h"

namespace ms::rbl {

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

ZoneCheck::ZoneCheck(ParallelResolver* resolver, std::string_view prefix, const ZoneOption& zone)
    : resolver_(resolver), zone_(zone), name_(std::string(prefix) + zone.zone) {
  switch (zone.kind) {
    case ZoneKind::kTxtList:
      txt_ = resolver_->Start(name_, kTypeTxt);
      break;
    case ZoneKind::kAntiList:
      if (IsLiteralName(name_)) {
        literal_listed_ = LiteralNameHasAddress(name_);
      } else {
        a_ = resolver_->Start(name_, kTypeA);
      }
      break;
    case ZoneKind::kRangeList:
      a_ = resolver_->Start(name_, kTypeA);
      txt_ = resolver_->Start(name_, kTypeTxt);
      break;
  }
}

ZoneOutcome ZoneCheck::Outcome(const Deadline& deadline) {
  using Status = LookupResult::Status;
  ZoneOutcome out;
  switch (zone_.kind) {
    case ZoneKind::kTxtList: {
      const LookupResult& r = resolver_->Wait(txt_, deadline);
      out.temporary_failure = r.status != Status::kDone;
      out.listed = !out.temporary_failure && !r.txt.empty();
      out.text = r.txt;
      break;
    }
    case ZoneKind::kAntiList: {
      if (a_ == kNone) {
        out.listed = literal_listed_;
        break;
      }
      const LookupResult& r = resolver_->Wait(a_, deadline);
      out.temporary_failure = r.status != Status::kDone;
      out.listed = !out.temporary_failure && !r.a.empty();
      if (out.listed) {
        code_ = r.a.front();
        out.code = *code_;
      }
      break;
    }
    case ZoneKind::kRangeList: {
      const LookupResult& r = resolver_->Wait(a_, deadline);
      out.temporary_failure = r.status != Status::kDone;
      if (out.temporary_failure) break;
      for (uint32_t a : r.a) {
        if (a >= zone_.low && a <= zone_.high) {
          code_ = a;
          break;
        }
      }
      out.listed = code_.has_value();
      if (!out.listed) break;
      out.code = *code_;
      const LookupResult& t = resolver_->Wait(txt_, deadline);
      if (t.status == Status::kDone) out.text = t.txt;
      break;
    }
  }
  return out;
}

}  // namespace ms::rbl
