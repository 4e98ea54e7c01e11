#include "dsn_params.h"

#include "text.h"

namespace ms {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // RFC 3461 4: the hex digits are upper case
}

bool IsXcharLiteral(unsigned char c) { return c >= 33 && c <= 126 && c != '+' && c != '='; }

// addr-type (RFC 3461 4.2): an atom; we allow letters, digits and '-'.
bool IsAddrType(std::string_view type) {
  if (type.empty() || type.size() > 64) return false;
  for (unsigned char c : type)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::optional<unsigned> ParseNotify(std::string_view value) {
  if (EqualsIgnoringCase(value, "NEVER")) return unsigned{kNotifyNever};
  unsigned flags = 0;
  while (true) {
    size_t comma = value.find(',');
    std::string_view word = value.substr(0, comma);
    unsigned flag = 0;
    if (EqualsIgnoringCase(word, "SUCCESS")) flag = kNotifySuccess;
    else if (EqualsIgnoringCase(word, "FAILURE")) flag = kNotifyFailure;
    else if (EqualsIgnoringCase(word, "DELAY")) flag = kNotifyDelay;
    if (flag == 0 || (flags & flag) != 0) return std::nullopt;  // NEVER mixed in, unknown, repeated
    flags |= flag;
    if (comma == std::string_view::npos) return flags;
    value = value.substr(comma + 1);
  }
}

}  // namespace

std::optional<std::string> DecodeXtext(std::string_view xtext) {
  std::string out;
  out.reserve(xtext.size());
  for (size_t i = 0; i < xtext.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(xtext[i]);
    if (c == '+') {
      if (i + 2 >= xtext.size()) return std::nullopt;
      int hi = HexValue(xtext[i + 1]), lo = HexValue(xtext[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (IsXcharLiteral(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string EncodeXtext(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (IsXcharLiteral(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('+');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<OriginalRecipient> DecodeOrcpt(std::string_view orcpt) {
  size_t semi = orcpt.find(';');
  if (semi == std::string_view::npos || !IsAddrType(orcpt.substr(0, semi))) return std::nullopt;
  std::optional<std::string> address = DecodeXtext(orcpt.substr(semi + 1));
  if (!address || address->empty()) return std::nullopt;
  return OriginalRecipient{std::string(orcpt.substr(0, semi)), std::move(*address)};
}

DsnParamResult ParseMailDsnParam(std::string_view key, std::string_view value, bool has_value, MailDsn* out) {
  if (EqualsIgnoringCase(key, "RET")) {
    if (out->ret != DsnRet::kUnset) return DsnParamResult::kDuplicate;
    if (has_value && EqualsIgnoringCase(value, "FULL")) out->ret = DsnRet::kFull;
    else if (has_value && EqualsIgnoringCase(value, "HDRS")) out->ret = DsnRet::kHdrs;
    else return DsnParamResult::kBad;
    return DsnParamResult::kOk;
  }
  if (EqualsIgnoringCase(key, "ENVID")) {
    if (!out->envid.empty()) return DsnParamResult::kDuplicate;
    if (!has_value || value.empty() || value.size() > kMaxEnvid || !DecodeXtext(value)) return DsnParamResult::kBad;
    out->envid = std::string(value);
    return DsnParamResult::kOk;
  }
  return DsnParamResult::kNotDsn;
}

DsnParamResult ParseRcptDsnParam(std::string_view key, std::string_view value, bool has_value, RcptDsn* out) {
  if (EqualsIgnoringCase(key, "NOTIFY")) {
    if (out->notify != 0) return DsnParamResult::kDuplicate;
    std::optional<unsigned> flags = has_value ? ParseNotify(value) : std::nullopt;
    if (!flags) return DsnParamResult::kBad;
    out->notify = *flags;
    return DsnParamResult::kOk;
  }
  if (EqualsIgnoringCase(key, "ORCPT")) {
    if (!out->orcpt.empty()) return DsnParamResult::kDuplicate;
    if (!has_value || value.size() > kMaxOrcpt || !DecodeOrcpt(value)) return DsnParamResult::kBad;
    out->orcpt = std::string(value);
    return DsnParamResult::kOk;
  }
  return DsnParamResult::kNotDsn;
}

std::string FormatMailDsn(const MailDsn& dsn) {
  std::string out;
  if (dsn.ret != DsnRet::kUnset) out = dsn.ret == DsnRet::kFull ? "RET=FULL" : "RET=HDRS";
  if (!dsn.envid.empty()) out += (out.empty() ? "ENVID=" : " ENVID=") + dsn.envid;
  return out;
}

std::string FormatRcptDsn(const RcptDsn& dsn) {
  std::string out;
  if (dsn.notify == kNotifyNever) {
    out = "NOTIFY=NEVER";
  } else if (dsn.notify != 0) {
    out = "NOTIFY=";
    const char* sep = "";
    for (auto [flag, name] : {std::pair{kNotifySuccess, "SUCCESS"}, std::pair{kNotifyFailure, "FAILURE"},
                              std::pair{kNotifyDelay, "DELAY"}}) {
      if (dsn.notify & flag) {
        out += sep;
        out += name;
        sep = ",";
      }
    }
  }
  if (!dsn.orcpt.empty()) out += (out.empty() ? "ORCPT=" : " ORCPT=") + dsn.orcpt;
  return out;
}

namespace {

template <typename T, typename F>
std::optional<T> ParseDsnText(std::string_view text, F parse) {
  T dsn;
  while (!text.empty()) {
    size_t sp = text.find(' ');
    std::string_view param = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    if (parse(param.substr(0, eq), param.substr(eq + 1), true, &dsn) != DsnParamResult::kOk) return std::nullopt;
  }
  return dsn;
}

}  // namespace

std::optional<MailDsn> ParseMailDsnText(std::string_view text) {
  return ParseDsnText<MailDsn>(text, ParseMailDsnParam);
}

std::optional<RcptDsn> ParseRcptDsnText(std::string_view text) {
  return ParseDsnText<RcptDsn>(text, ParseRcptDsnParam);
}

bool QueueProgramKeepsDsn(std::string_view program) {
  size_t slash = program.rfind('/');
  std::string_view name = slash == std::string_view::npos ? program : program.substr(slash + 1);
  return name == "mailsuite-queue" || name == "mailsuite-filter";
}

}  // namespace ms
