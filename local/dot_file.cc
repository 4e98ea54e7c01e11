#include "local/dot_file.h"

#include "text.h"

namespace ms::local {
namespace {

constexpr int kConfigProblem = 111;

Error LineError(size_t line, std::string_view what) {
  return MakeError("Uh-oh: line " + std::to_string(line) + " of the dot file " + std::string(what) +
                       ". (#4.7.0)",
                   kConfigProblem);
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

bool HasDotDotComponent(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

const char* DeliveryName(Delivery kind) {
  switch (kind) {
    case Delivery::kMaildir: return "maildir";
    case Delivery::kMbox: return "mbox";
    case Delivery::kProgram: return "program";
    case Delivery::kForward: return "forward";
  }
  return "?";
}

Result<DotFile> ParseDotFile(std::string_view text, bool forward_only) {
  if (text.size() > kMaxDotFileSize)
    return MakeError("Uh-oh: the dot file is larger than " + std::to_string(kMaxDotFileSize) +
                         " bytes. (#4.7.0)",
                     kConfigProblem);
  DotFile result;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (raw.size() > kMaxDotLine) return LineError(number, "is too long");
    if (raw.find('\0') != std::string_view::npos) return LineError(number, "holds a NUL byte");
    std::string_view line = Trim(raw, " \t\r");
    if (line.empty()) {
      if (number == 1) return MakeError("Uh-oh: first line of the dot file is blank. (#4.2.1)", kConfigProblem);
      continue;
    }
    Instruction ins;
    ins.line = number;
    switch (line.front()) {
      case '#':
        continue;
      case '+':
        if (line == "+list") forward_only = true;
        continue;
      case '|':
        if (forward_only) return LineError(number, "delivers to a program but the file may only forward");
        ins.kind = Delivery::kProgram;
        ins.target = std::string(Trim(line.substr(1), " \t\r"));
        if (ins.target.empty()) return LineError(number, "names an empty program");
        break;
      case '.':
      case '/':
        if (forward_only) return LineError(number, "delivers to a file but the file may only forward");
        if (HasDotDotComponent(line)) return LineError(number, "has a \"..\" path component");
        for (unsigned char c : line)
          if (IsControl(c)) return LineError(number, "has a control character in a path");
        ins.kind = line.back() == '/' ? Delivery::kMaildir : Delivery::kMbox;
        ins.target = std::string(line);
        break;
      case '&':
        line = Trim(line.substr(1), " \t\r");
        [[fallthrough]];
      default:
        if (line.empty()) return LineError(number, "forwards to an empty address");
        if (line.size() > kMaxForwardAddress) return LineError(number, "forwards to an address that is too long");
        for (unsigned char c : line)
          if (IsControl(c) || c == ' ' || c == '\t') return LineError(number, "forwards to a malformed address");
        ins.kind = Delivery::kForward;
        ins.target = std::string(line);
        break;
    }
    result.instructions.push_back(std::move(ins));
  }
  return result;
}

}  // namespace ms::local
