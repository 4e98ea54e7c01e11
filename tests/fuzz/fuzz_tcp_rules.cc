// libFuzzer target: mailsuite-tcpserver's outside input — a rules cdb
// record's data and the lookup keys for a client address
// (tcpserver/tcp_rules.h), and a command line (the input split at '\n',
// tcpserver/tcpserver_options.h).  Besides "no crash": every environment
// entry has a non-empty name without '=', every key is a prefix of the
// address, and an accepted command line has a host, a program and a limit.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tcpserver/tcp_rules.h"
#include "tcpserver/tcpserver_options.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto rule = ms::smtpd::ParseTcpRule(input);
  for (const auto& [name, value] : rule.environment) {
    Check(!name.empty());
    Check(name.find('=') == std::string::npos);
    Check(name.find('\0') == std::string::npos);
    Check(value.find('\0') == std::string::npos);
  }
  auto keys = ms::smtpd::TcpRuleKeys(input.substr(0, 256));
  Check(!keys.empty());
  Check(keys.back().empty());
  for (const std::string& key : keys) Check(input.substr(0, 256).substr(0, key.size()) == key);
  std::vector<std::string> args;
  for (std::string_view rest = input;;) {
    size_t nl = rest.find('\n');
    args.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  auto options = ms::smtpd::ParseTcpServerOptions(args, [](const char*) -> const char* { return "7"; });
  if (options.ok()) {
    Check(!options->host.empty());
    Check(!options->program.empty() && !options->program.front().empty());
    Check(options->limit >= 1);
    Check(options->uid.has_value() == options->gid.has_value());
  }
  return 0;
}
