#include "received_spf.h"

namespace ms::spf {

namespace {

// Printable ASCII only; anything else could break the header.
std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  return out;
}

// Inside a comment: "(", ")" and "\" quoted (RFC 5322 ccontent).
std::string CommentText(std::string_view s) {
  std::string out;
  for (char c : Printable(s, 300)) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// dot-atom when it is one, else a quoted-string.
std::string Value(std::string_view raw) {
  std::string s = Printable(raw, 300);
  bool atom = !s.empty() && s.front() != '.' && s.back() != '.' && s.find("..") == std::string::npos;
  for (char c : s) atom = atom && (IsAtext(c) || c == '.');
  if (atom) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string ResultComment(const Outcome& o, const Request& request) {
  std::string who = o.identity == "helo" ? "the HELO name " + o.domain : "domain of " + o.checked;
  std::string ip = request.ip.Unmapped().ToString();
  std::string text = request.receiver + ": ";
  switch (o.result) {
    case Result::kPass: text += who + " designates " + ip + " as permitted sender"; break;
    case Result::kFail: text += who + " does not designate " + ip + " as permitted sender"; break;
    case Result::kSoftFail: text += "transitioning " + who + " does not designate " + ip + " as permitted sender"; break;
    case Result::kNeutral: text += ip + " is neither permitted nor denied by " + who; break;
    case Result::kNone: text += who + " does not provide an SPF record"; break;
    case Result::kTempError: text += "temporary error checking " + who + ": " + o.problem; break;
    case Result::kPermError: text += "permanent error in the SPF record of " + who + ": " + o.problem; break;
  }
  return text;
}

std::string ReceivedSpfField(const Outcome& o, const Request& request) {
  std::string out = "Received-SPF: ";
  out += ResultName(o.result);
  out += " (";
  out += CommentText(ResultComment(o, request));
  out += ")\n\tclient-ip=";
  out += request.ip.Unmapped().ToString();
  out += "; envelope-from=";
  out += Value(request.sender);
  out += "; helo=";
  out += Value(request.helo);
  out += ";\n\treceiver=";
  out += Value(request.receiver);
  out += "; identity=";
  out += o.identity;
  out += ";";
  if (!o.mechanism.empty()) {
    out += " mechanism=";
    out += Value(o.mechanism);
    out += ";";
  } else if (!o.problem.empty() && (o.result == Result::kTempError || o.result == Result::kPermError)) {
    out += " problem=";
    out += Value(o.problem);
    out += ";";
  }
  out += "\n";
  return out;
}

}  // namespace ms::spf
