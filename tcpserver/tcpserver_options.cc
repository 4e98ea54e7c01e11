#include "tcpserver/tcpserver_options.h"

#include <string_view>

#include "text.h"

namespace ms::smtpd {
namespace {

template <typename T>
std::optional<T> Decimal(std::string_view text, T max) {
  auto value = ParseDecimal(text, static_cast<uint64_t>(max));
  if (!value) return std::nullopt;
  return static_cast<T>(*value);
}

Error Usage(const std::string& why) {
  return MakeError(why + "\nusage: mailsuite-tcpserver [-1qQvRHdD] [-c limit] [-b backlog] [-x rules.cdb] [-X] "
                         "[-u uid] [-g gid] [-U] [-l localname] host port program [arg ...]");
}

}  // namespace

Result<TcpServerOptions> ParseTcpServerOptions(const std::vector<std::string>& args,
                                               const std::function<const char*(const char*)>& getenv) {
  TcpServerOptions o;
  bool from_env = false;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    for (size_t k = 1; k < arg.size(); ++k) {
      char flag = arg[k];
      // Options with a value take the rest of this word, else the next one.
      auto value = [&]() -> std::optional<std::string> {
        if (k + 1 < arg.size()) {
          std::string v(arg.substr(k + 1));
          k = arg.size();
          return v;
        }
        if (i + 1 >= args.size()) return std::nullopt;
        k = arg.size();
        return args[++i];
      };
      switch (flag) {
        case 'q': o.verbosity = 0; break;
        case 'Q': o.verbosity = 1; break;
        case 'v': o.verbosity = 2; break;
        case '1': o.print_port = true; break;
        case 'X': o.rules_may_be_missing = true; break;
        case 'U': from_env = true; break;
        // We never look up names or ask identd: -H and -R are what we do anyway.
        case 'H': case 'R': break;
        // Nagle's algorithm: SMTP replies are whole lines; both accepted.
        case 'd': case 'D': break;
        case 'c': case 'b': case 'x': case 'u': case 'g': case 'l': {
          auto v = value();
          if (!v) return Usage(std::string("option -") + flag + " needs a value");
          if (flag == 'x') {
            if (v->empty()) return Usage("option -x needs a file name");
            o.rules = *v;
          } else if (flag == 'l') {
            o.local_host = *v;
          } else if (flag == 'c') {
            auto n = Decimal<unsigned>(*v, 100000);
            if (!n || *n == 0) return Usage("-c " + *v + ": not a number from 1 to 100000");
            o.limit = *n;
          } else if (flag == 'b') {
            auto n = Decimal<int>(*v, 65535);
            if (!n) return Usage("-b " + *v + ": not a number from 0 to 65535");
            o.backlog = *n;
          } else if (flag == 'u') {
            auto n = Decimal<uid_t>(*v, 4294967294u);
            if (!n) return Usage("-u " + *v + ": not a numeric uid");
            o.uid = *n;
          } else {
            auto n = Decimal<gid_t>(*v, 4294967294u);
            if (!n) return Usage("-g " + *v + ": not a numeric gid");
            o.gid = *n;
          }
          break;
        }
        case 'h': case 'p': case 'P': case 'r':
          return Usage(std::string("option -") + flag +
                       " is not supported: mailsuite-tcpserver never looks up names or asks identd");
        default:
          return Usage(std::string("unknown option -") + flag);
      }
    }
  }
  if (from_env) {
    const char* uid = getenv("UID");
    const char* gid = getenv("GID");
    auto u = uid ? Decimal<uid_t>(uid, 4294967294u) : std::nullopt;
    auto g = gid ? Decimal<gid_t>(gid, 4294967294u) : std::nullopt;
    if (!u || !g) return Usage("-U needs $UID and $GID as numbers (envuidgid sets them)");
    o.uid = *u;
    o.gid = *g;
  }
  // A uid without a gid would leave root's groups to the sessions.
  if (o.uid.has_value() != o.gid.has_value()) return Usage("-u and -g go together");
  if (args.size() - i < 3) return Usage("need host, port and program");
  o.host = args[i];
  if (o.host.empty()) return Usage("empty host");
  auto port = Decimal<uint16_t>(args[i + 1], 65535);
  if (!port) return Usage("port " + args[i + 1] + ": not a number from 0 to 65535");
  o.port = *port;
  o.program.assign(args.begin() + static_cast<long>(i) + 2, args.end());
  if (o.program.front().empty()) return Usage("empty program name");
  return o;
}

}  // namespace ms::smtpd
