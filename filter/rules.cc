#include "filter/rules.h"

#include <algorithm>

#include "address.h"
#include "filter/mime_text.h"
#include "text.h"

namespace ms::filter {

namespace {

// Fields separated by runs of tabs; empty fields cannot exist.
std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == '\t') ++i;
    if (i >= line.size()) break;
    size_t end = line.find('\t', i);
    if (end == std::string_view::npos) end = line.size();
    out.push_back(line.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "SIZE=n" / "Policy-X:" -> rule type fields.
bool ParseType(std::string_view type, Rule* rule) {
  if (type.size() > 5 && EqualsIgnoringCase(type.substr(0, 5), "size=")) {
    std::string_view n = type.substr(5);
    auto v = ParseSignedDecimal(n, -1);
    if (!v) return false;
    rule->type = RuleType::kSize;
    rule->size = *v;
    return true;
  }
  if (type.size() < 9 || !EqualsIgnoringCase(type.substr(0, 7), "policy-") || type.back() != ':') return false;
  std::string_view name = type.substr(7, type.size() - 8);
  for (char c : name)
    if (static_cast<unsigned char>(c) <= 32 || c == ':' || static_cast<unsigned char>(c) >= 127) return false;
  if (EqualsIgnoringCase(name, "MAILFROM")) rule->type = RuleType::kMailFrom;
  else if (EqualsIgnoringCase(name, "RCPTTO")) rule->type = RuleType::kRcptTo;
  else if (EqualsIgnoringCase(name, "REMOTEIPADDR")) rule->type = RuleType::kRemoteIp;
  else if (EqualsIgnoringCase(name, "Body")) rule->type = RuleType::kBody;
  else {
    rule->type = RuleType::kHeader;
    rule->header = LowerCase(name);
  }
  return true;
}

// glibc's regcomp expands repetitions: stacked operators ("a++++",
// undefined in POSIX ERE anyway) and large nested bounds blow up its
// memory exponentially (the fuzz target found "x" followed by a hundred
// '+' using over a gigabyte).  Refuse them before compiling.
constexpr size_t kMaxPattern = 1024;
constexpr long kMaxRepetition = 10000;  // product of all {n,m} bounds

std::string PatternShapeError(std::string_view p) {
  if (p.size() > kMaxPattern) return "longer than " + std::to_string(kMaxPattern);
  bool after_repetition = false;
  long product = 1;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
      after_repetition = false;
    } else if (c == '[') {  // a bracket expression: skip to its ']'
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      while (j < p.size() && p[j] != ']') {
        if (p[j] == '[' && j + 1 < p.size() && (p[j + 1] == ':' || p[j + 1] == '.' || p[j + 1] == '=')) {
          size_t close = p.find(std::string{p[j + 1], ']'}, j + 2);
          if (close == std::string_view::npos) return "unclosed [";
          j = close + 2;
        } else {
          ++j;
        }
      }
      i = j;
      after_repetition = false;
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (after_repetition) return "repetition operators one after another";
      after_repetition = true;
      if (c != '{') continue;
      size_t close = p.find('}', i);
      if (close == std::string_view::npos) return "unclosed {";
      long n = 0, largest = 0;  // the larger of {n,m}
      for (size_t k = i + 1; k < close; ++k) {
        if (p[k] >= '0' && p[k] <= '9') {
          n = std::min<long>(n * 10 + (p[k] - '0'), kMaxRepetition + 1);
        } else {
          largest = std::max(largest, n);
          n = 0;
        }
      }
      product *= std::max<long>(std::max(largest, n), 1);
      if (product > kMaxRepetition) return "repetition bounds too large";
      i = close;
    } else {
      after_repetition = false;
    }
  }
  return "";
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kWarn: return "warn";
    case Action::kTag: return "tag";
    case Action::kDiscard: return "discard";
    case Action::kQuarantine: return "quarantine";
    case Action::kTempfail: return "tempfail";
    case Action::kReject: return "reject";
  }
  return "reject";
}

bool ParseAction(std::string_view word, Action* action) {
  static constexpr Action kAll[] = {Action::kWarn, Action::kTag, Action::kDiscard,
                                    Action::kQuarantine, Action::kTempfail, Action::kReject};
  for (Action a : kAll)
    if (EqualsIgnoringCase(word, ActionName(a))) {
      *action = a;
      return true;
    }
  return false;
}

Regex::~Regex() {
  if (compiled_) ::regfree(&re_);
}

Status Regex::Compile(const std::string& pattern) {
  std::string anchored = "^(" + pattern + ")$";
  int rc = ::regcomp(&re_, anchored.c_str(), REG_EXTENDED | REG_ICASE | REG_NOSUB);
  if (rc != 0) {
    char buf[200];
    ::regerror(rc, &re_, buf, sizeof buf);
    return MakeError(buf);
  }
  compiled_ = true;
  return Ok{};
}

bool Regex::Matches(std::string_view value) const {
  if (!compiled_) return false;
  // REG_STARTEND: the value's own length bounds the match (no copy, and a
  // NUL inside does not cut the value short).
  // The copy gives regexec a terminated string as well: sanitizers' (and
  // other libcs') regexec read up to a NUL whatever REG_STARTEND says.
  thread_local std::string buffer;
  buffer.assign(value);
  regmatch_t m[1];
  m[0].rm_so = 0;
  m[0].rm_eo = static_cast<regoff_t>(buffer.size());
  return ::regexec(&re_, buffer.c_str(), 1, m, REG_STARTEND) == 0;
}

bool RuleSet::HasType(RuleType type) const {
  for (const auto& c : rules_)
    if (c->rule.type == type) return true;
  return false;
}

Result<std::shared_ptr<RuleSet>> RuleSet::Parse(std::string_view text) {
  auto set = std::make_shared<RuleSet>();
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    std::string where = "filterrules line " + std::to_string(number) + ": ";
    if (line.size() > kMaxLine) return MakeError(where + "longer than " + std::to_string(kMaxLine));
    if (line.find('\0') != std::string_view::npos) return MakeError(where + "NUL byte");
    std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    auto fields = SplitTabs(trimmed);
    if (fields.size() < 3 || fields.size() > 4)
      return MakeError(where + "want PATTERN<TAB>TYPE<TAB>TEXT[<TAB>ACTION]");
    if (set->rules_.size() >= kMaxRules) return MakeError(where + "more than " + std::to_string(kMaxRules) + " rules");
    auto compiled = std::make_unique<Compiled>();
    Rule& rule = compiled->rule;
    rule.line = number;
    rule.pattern = std::string(Trim(fields[0]));
    if (!ParseType(Trim(fields[1]), &rule)) return MakeError(where + "unknown TYPE " + std::string(fields[1]));
    rule.text = std::string(Trim(fields[2]));
    if (rule.text.empty()) return MakeError(where + "empty TEXT");
    if (fields.size() == 4 && !ParseAction(Trim(fields[3]), &rule.action))
      return MakeError(where + "unknown ACTION " + std::string(fields[3]));
    if (rule.pattern.empty()) return MakeError(where + "empty PATTERN");
    if (std::string shape = PatternShapeError(rule.pattern); !shape.empty())
      return MakeError(where + "PATTERN refused: " + shape);
    Status st = compiled->re.Compile(rule.pattern);
    if (!st) return MakeError(where + "bad PATTERN: " + st.error().message);
    set->rules_.push_back(std::move(compiled));
  }
  return set;
}

}  // namespace ms::filter
