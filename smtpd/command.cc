#include "smtpd/command.h"


#include "text.h"

namespace ms::smtpd {

namespace {

struct VerbName {
  std::string_view name;
  Verb verb;
};

constexpr VerbName kVerbs[] = {
    {"HELO", Verb::kHelo}, {"EHLO", Verb::kEhlo}, {"MAIL", Verb::kMail},
    {"RCPT", Verb::kRcpt}, {"DATA", Verb::kData}, {"BDAT", Verb::kBdat}, {"RSET", Verb::kRset},
    {"NOOP", Verb::kNoop}, {"VRFY", Verb::kVrfy}, {"HELP", Verb::kHelp},
    {"QUIT", Verb::kQuit}, {"STARTTLS", Verb::kStartTls}, {"AUTH", Verb::kAuth},
};

// Splits "<path> params" (or "path params"): the path ends at the '>' that
// is outside a quoted string.  Returns false when <...> is unbalanced.
bool SplitPath(std::string_view text, std::string_view* path, std::string_view* params) {
  if (text.empty()) return false;
  size_t end = 0;
  if (text.front() == '<') {
    bool quoted = false;
    size_t i = 1;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (quoted && c == '\\') {
        ++i;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c == '>' && !quoted) break;
    }
    if (i >= text.size()) return false;
    end = i + 1;
  } else {
    end = text.find(' ');
    if (end == std::string_view::npos) end = text.size();
  }
  *path = text.substr(0, end);
  *params = text.substr(end);
  if (!params->empty() && params->front() != ' ') return false;  // "<a@b>junk"
  return true;
}

PathArgError ParsePathPart(std::string_view text, bool reverse, Path* out,
                           std::string_view* params) {
  std::string_view path_text;
  if (!SplitPath(Trim(text), &path_text, params)) return PathArgError::kSyntax;
  std::string wrapped;
  if (path_text.front() != '<') {
    wrapped = "<" + std::string(path_text) + ">";
    path_text = wrapped;
  }
  PathOptions options;
  options.allow_null = reverse;
  // "<postmaster>" without a domain must be accepted for RCPT (RFC 5321
  // 4.5.1); a sender without a domain is what qmail accepts too.
  options.allow_no_domain = true;
  options.allow_utf8 = true;
  AddressError error = AddressError::kNone;
  auto path = ParsePath(path_text, options, &error);
  if (!path) {
    if (error == AddressError::kBadUtf8) return PathArgError::kBadUtf8;
    return error == AddressError::kTooLong ? PathArgError::kTooLong : PathArgError::kBadAddress;
  }
  *out = std::move(*path);
  return PathArgError::kNone;
}

// The next "KEY[=value]" of the blank-separated parameters; *eq is the
// position of '=' in it (npos: no value).
bool NextParam(std::string_view* params, std::string_view* key, std::string_view* value, size_t* eq) {
  if (params->empty()) return false;
  size_t sp = params->find(' ');
  std::string_view param = params->substr(0, sp);
  *params = sp == std::string_view::npos ? std::string_view() : Trim(params->substr(sp));
  *eq = param.find('=');
  *key = param.substr(0, *eq);
  *value = *eq == std::string_view::npos ? std::string_view() : param.substr(*eq + 1);
  return true;
}

// A DSN parameter's verdict as the MAIL/RCPT error (kNotDsn: unknown).
PathArgError DsnParam(DsnParamResult result) {
  switch (result) {
    case DsnParamResult::kOk: return PathArgError::kNone;
    case DsnParamResult::kNotDsn: return PathArgError::kUnknownParam;
    case DsnParamResult::kBad:
    case DsnParamResult::kDuplicate: break;
  }
  return PathArgError::kBadParam;
}

}  // namespace

Command ParseCommand(std::string_view line) {
  Command command;
  for (unsigned char c : line)
    if (c < 32 && c != '\t') command.has_control = true;
  size_t end = line.find_first_of(" \t");
  std::string_view word = line.substr(0, end);
  for (const auto& v : kVerbs) {
    if (EqualsIgnoringCase(word, v.name)) {
      command.verb = v.verb;
      break;
    }
  }
  if (end != std::string_view::npos) command.arg = Trim(line.substr(end));
  return command;
}

PathArgError ParseMailArgs(std::string_view arg, MailArgs* out) {
  if (!StartsWithIgnoringCase(arg, "FROM:")) return PathArgError::kSyntax;
  std::string_view params;
  PathArgError e = ParsePathPart(arg.substr(5), true, &out->path, &params);
  if (e != PathArgError::kNone) return e;
  params = Trim(params);
  std::string_view key, value;
  size_t eq;
  while (NextParam(&params, &key, &value, &eq)) {
    if (EqualsIgnoringCase(key, "SIZE")) {
      if (eq == std::string_view::npos) return PathArgError::kBadParam;
      std::optional<uint64_t> size = ParseDecimal(value, UINT64_MAX, 19);
      if (!size) return PathArgError::kBadParam;
      out->size = *size;
      out->has_size = true;
    } else if (EqualsIgnoringCase(key, "BODY")) {
      if (EqualsIgnoringCase(value, "8BITMIME")) out->body_8bit = true;
      else if (EqualsIgnoringCase(value, "7BIT")) out->body_8bit = false;
      else return PathArgError::kBadParam;
    } else if (EqualsIgnoringCase(key, "SMTPUTF8")) {
      if (eq != std::string_view::npos) return PathArgError::kBadParam;  // takes no value
      out->smtputf8 = true;
    } else if (EqualsIgnoringCase(key, "AUTH")) {
      if (eq == std::string_view::npos || value.empty()) return PathArgError::kBadParam;
      out->auth = value;
    } else if (PathArgError dsn = DsnParam(ParseMailDsnParam(key, value, eq != std::string_view::npos, &out->dsn));
               dsn != PathArgError::kNone) {
      return dsn;
    }
  }
  return PathArgError::kNone;
}

PathArgError ParseRcptArgs(std::string_view arg, RcptArgs* out) {
  if (!StartsWithIgnoringCase(arg, "TO:")) return PathArgError::kSyntax;
  std::string_view params;
  PathArgError e = ParsePathPart(arg.substr(3), false, &out->path, &params);
  if (e != PathArgError::kNone) return e;
  params = Trim(params);
  std::string_view key, value;
  size_t eq;
  while (NextParam(&params, &key, &value, &eq)) {
    e = DsnParam(ParseRcptDsnParam(key, value, eq != std::string_view::npos, &out->dsn));
    if (e != PathArgError::kNone) return e;
  }
  return PathArgError::kNone;
}

}  // namespace ms::smtpd
