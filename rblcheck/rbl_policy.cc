#include "rblcheck/rbl_policy.h"

#include "rblcheck/dnsbl_name.h"

namespace ms::rbl {

namespace {

constexpr size_t kMaxText = 200;

Error Usage(const std::string& why = "") {
  return MakeError(why +
      "usage: rblsmtpd [ -b ] [ -R ] [ -t timeout ] [ -r base ] [ -a base ] smtpd [ arg ... ]",
      100);
}

}  // namespace

unsigned long ScanUlong(std::string_view text) {
  unsigned long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value;
}

Result<ZoneOption> ParseListZone(std::string_view arg) {
  ZoneOption z;
  size_t colon = arg.find(':');
  if (colon == std::string_view::npos) {
    z.zone = std::string(arg);
    return z;
  }
  z.kind = ZoneKind::kRangeList;
  z.zone = std::string(arg.substr(0, colon));
  std::string_view range = arg.substr(colon + 1);
  size_t dash = range.find('-');
  auto low = ParseIpv4(range.substr(0, dash));
  auto high = dash == std::string_view::npos ? low : ParseIpv4(range.substr(dash + 1));
  if (z.zone.empty() || !low || !high || *low > *high) {
    return MakeError("bad zone range " + std::string(arg) +
                         " (want zone:127.0.0.2-127.0.0.11 or zone:127.0.0.2)",
                     100);
  }
  z.low = *low;
  z.high = *high;
  return z;
}

Result<Options> ParseOptions(int argc, char** argv) {
  Options options;
  bool bounce = false, fail_closed = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') break;
    if (arg == "--") {
      ++i;
      break;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      char opt = arg[k];
      if (opt == 'b' || opt == 'B') {
        bounce = opt == 'b';
      } else if (opt == 'c' || opt == 'C') {
        fail_closed = opt == 'c';
      } else if (opt == 't' || opt == 'r' || opt == 'a') {
        std::string_view value;
        if (k + 1 < arg.size()) {
          value = arg.substr(k + 1);
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          return Usage(std::string("option requires an argument -- ") + opt + "\nrblsmtpd: ");
        }
        k = arg.size();
        if (opt == 't') {
          options.timeout = ScanUlong(value);
          continue;
        }
        ZoneOption zone;
        if (opt == 'a') {
          zone.kind = ZoneKind::kAntiList;
          zone.zone = std::string(value);
        } else {
          auto parsed = ParseListZone(value);
          if (!parsed) return parsed.error();
          zone = std::move(*parsed);
        }
        zone.bounce = bounce;
        zone.fail_closed = fail_closed;
        options.zones.push_back(std::move(zone));
      } else {
        return Usage(std::string("illegal option -- ") + opt + "\nrblsmtpd: ");
      }
    }
  }
  if (i >= argc) return Usage();
  options.prog_index = i;
  return options;
}

Verdict VerdictFromEnvironment(const char* rblsmtpd) {
  Verdict v;
  if (!rblsmtpd) return v;
  if (!*rblsmtpd) {
    v.decision = Decision::kAccept;
  } else if (*rblsmtpd == '-') {
    v.decision = Decision::kBounce;
    v.text = rblsmtpd + 1;
  } else {
    v.decision = Decision::kReject;
    v.text = rblsmtpd;
  }
  return v;
}

void ApplyZone(const ZoneOption& zone, const ZoneOutcome& outcome, Verdict* v) {
  if (v->decision != Decision::kUndecided) return;
  if (outcome.temporary_failure) {
    v->must_not_bounce = true;
    if (zone.kind == ZoneKind::kAntiList) {
      if (!zone.fail_closed) v->decision = Decision::kAccept;
    } else if (zone.fail_closed) {
      v->text = "temporary RBL lookup error";
      v->decision = Decision::kReject;
    }
    return;
  }
  if (!outcome.listed) return;
  if (zone.kind == ZoneKind::kAntiList) {
    v->decision = Decision::kAccept;
    return;
  }
  v->text = outcome.text;
  if (zone.kind == ZoneKind::kRangeList && v->text.empty()) {
    v->text = RangeDefaultText(zone, outcome.code);
  }
  v->decision = zone.bounce ? Decision::kBounce : Decision::kReject;
}

std::string ReplyLine(const Verdict& v) {
  std::string line =
      v.must_not_bounce || v.decision == Decision::kReject ? "451 " : "553 ";
  line.append(v.text, 0, kMaxText);
  for (char& c : line) {
    if (c < 32 || c > 126) c = '?';
  }
  return line;
}

std::string RangeDefaultText(const ZoneOption& zone, uint32_t code) {
  return "listed in " + zone.zone + " (" + FormatIpv4(code) + ")";
}

}  // namespace ms::rbl
