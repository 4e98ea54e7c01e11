// mailsuite-users: edits the users database (control/USERS.md).
//
//   mailsuite-users add [-s yescrypt|sha512] [-q QUOTA] [-n] ADDRESS UID GID HOME
//   mailsuite-users passwd [-s yescrypt|sha512] ADDRESS
//   mailsuite-users del ADDRESS
//   mailsuite-users list
//
// Passwords are read from standard input (one line), never from argv.
// -n adds a mailbox without a password (delivery only, no login).
// Exit: 0 done, 1 no such user / already exists / list found malformed
// lines, 2 usage, 111 temporary failure.
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "become_user.h"
#include "fd.h"
#include "log.h"
#include "password.h"
#include "paths.h"
#include "users.h"
#include "control/users_edit.h"
#include "version.h"

namespace {

using ms::control::kExitTemporary;
using ms::control::kExitUsage;

constexpr const char* kUsage =
    "usage: mailsuite-users add [-s yescrypt|sha512] [-q QUOTA] [-n] ADDRESS UID GID HOME\n"
    "       mailsuite-users passwd [-s yescrypt|sha512] ADDRESS\n"
    "       mailsuite-users del ADDRESS\n"
    "       mailsuite-users list\n"
    "(passwords are read from standard input)\n";

struct Options {
  ms::HashScheme scheme = ms::HashScheme::kYescrypt;
  std::string quota;
  bool no_password = false;
  std::vector<std::string> args;
};

int Fail(const ms::Error& error) {
  ms::LogLine("fatal").Add("error", error.message).Emit();
  return error.code != 0 ? error.code : kExitTemporary;
}

int Usage() {
  ms::WriteAll(2, kUsage);
  return kExitUsage;
}

bool ParseOptions(int argc, char** argv, Options* o) {
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-n") {
      o->no_password = true;
    } else if ((a == "-s" || a == "-q") && i + 1 < argc) {
      std::string_view v = argv[++i];
      if (a == "-q") o->quota = std::string(v);
      else if (v == "yescrypt") o->scheme = ms::HashScheme::kYescrypt;
      else if (v == "sha512") o->scheme = ms::HashScheme::kSha512;
      else return false;
    } else if (a.size() > 1 && a.front() == '-') {
      return false;
    } else {
      o->args.emplace_back(a);
    }
  }
  return true;
}

ms::Result<std::string> NewHash(const Options& o) {
  auto password = ms::control::ReadPasswordLine(0);
  if (!password) return password.error();
  auto hash = ms::HashPassword(*password, o.scheme);
  if (!hash) return ms::MakeError(hash.error().message, kExitTemporary);
  return hash;
}

ms::Result<ms::UserEntry> EntryFromArgs(const Options& o) {
  auto line = o.args[0] + ":" + o.args[1] + ":" + o.args[2] + ":" + o.args[3] + "::" + o.quota;
  // Reuse the file parser, so the tool accepts exactly what readers accept.
  auto parsed = ms::ParseUserLine(line);
  if (!parsed) return ms::MakeError(parsed.error().message, kExitUsage);
  return parsed;
}

int Add(const Options& o) {
  if (o.args.size() != 4) return Usage();
  auto entry = EntryFromArgs(o);
  if (!entry) return Fail(entry.error());
  if (!o.no_password) {
    auto hash = NewHash(o);
    if (!hash) return Fail(hash.error());
    entry->hash = *hash;
  }
  ms::Status s = ms::control::EditUsersFile(
      ms::UsersFile(), [&](std::string_view text) { return ms::control::AddUserToText(text, *entry); });
  return s ? 0 : Fail(s.error());
}

int Passwd(const Options& o) {
  if (o.args.size() != 1) return Usage();
  auto hash = NewHash(o);
  if (!hash) return Fail(hash.error());
  ms::Status s = ms::control::EditUsersFile(ms::UsersFile(), [&](std::string_view text) {
    return ms::control::SetUserHashInText(text, o.args[0], *hash);
  });
  return s ? 0 : Fail(s.error());
}

int Del(const Options& o) {
  if (o.args.size() != 1) return Usage();
  ms::Status s = ms::control::EditUsersFile(ms::UsersFile(), [&](std::string_view text) {
    return ms::control::DeleteUserFromText(text, o.args[0]);
  });
  return s ? 0 : Fail(s.error());
}

// address uid gid home quota login=yes|no — never the hash.
int List(const Options& o) {
  if (!o.args.empty()) return Usage();
  std::string path = ms::UsersFile();
  auto text = ms::ReadFile(path);
  if (!text && text.error().code != ENOENT) return Fail(ms::MakeError(text.error().message, kExitTemporary));
  ms::UsersDb db = ms::ParseUsers(text ? std::string_view(*text) : std::string_view());
  std::string out;
  for (const auto& e : db.entries) {
    out += e.address + " " + std::to_string(e.uid) + " " + std::to_string(e.gid) + " " + e.home +
           " " + (e.quota.set ? ms::FormatQuota(e.quota) : "-") + " login=" +
           (e.CanLogIn() ? "yes" : "no") + "\n";
  }
  if (!ms::WriteAll(1, out)) return kExitTemporary;
  for (const auto& err : db.errors)
    ms::LogLine("malformed").Add("file", path).Add("line", err.line).Add("error", err.message).Emit();
  return db.errors.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-users");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-users");
  if (argc < 2) return Usage();
  Options o;
  if (!ParseOptions(argc, argv, &o)) return Usage();
  std::string_view command = argv[1];
  if (command == "add") return Add(o);
  if (command == "passwd") return Passwd(o);
  if (command == "del") return Del(o);
  if (command == "list") return List(o);
  return Usage();
}
