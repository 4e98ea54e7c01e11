#include "remote/smtproutes.h"

#include "address.h"
#include "ip_address.h"

namespace ms::remote {

namespace {

bool ParsePort(std::string_view text, uint16_t* port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

bool ValidDomainKey(std::string_view domain) {
  if (domain.empty()) return true;
  if (domain.front() == '.') domain.remove_prefix(1);
  return IsValidDomain(domain);
}

}  // namespace

std::optional<std::string> LiteralInside(std::string_view relay) {
  if (relay.size() < 3 || relay.front() != '[' || relay.back() != ']') return std::nullopt;
  std::string_view inside = relay.substr(1, relay.size() - 2);
  if (inside.size() > 5 && LowerCase(inside.substr(0, 5)) == "ipv6:") inside.remove_prefix(5);
  return std::string(inside);
}

Result<std::vector<RouteEntry>> ParseSmtpRoutes(const std::vector<std::string>& lines) {
  std::vector<RouteEntry> out;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    auto bad = [&](const char* why) {
      return MakeError("smtproutes line " + std::to_string(n + 1) + " (" + std::string(line) +
                       "): " + why);
    };
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bad("no ':'");
    RouteEntry entry;
    entry.domain = LowerCase(line.substr(0, colon));
    if (!ValidDomainKey(entry.domain)) return bad("bad domain");
    std::string_view rest = line.substr(colon + 1);
    std::string_view relay = rest, port;
    if (!rest.empty() && rest.front() == '[') {
      size_t close = rest.find(']');
      if (close == std::string_view::npos) return bad("unclosed '['");
      relay = rest.substr(0, close + 1);
      std::string_view after = rest.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') return bad("junk after ']'");
        port = after.substr(1);
        if (port.empty()) return bad("empty port");
      }
      auto inside = LiteralInside(relay);
      if (!inside || !IpAddress::Parse(*inside)) return bad("bad address literal");
    } else {
      size_t c2 = rest.find(':');
      if (c2 != std::string_view::npos) {
        relay = rest.substr(0, c2);
        port = rest.substr(c2 + 1);
        if (relay.empty()) return bad("port without relay");
        if (port.empty()) return bad("empty port");
      }
      if (!relay.empty() && !IsValidDomain(relay)) return bad("bad relay host");
    }
    if (!port.empty() && !ParsePort(port, &entry.route.port)) return bad("bad port");
    entry.route.relay = LowerCase(relay);
    out.push_back(std::move(entry));
  }
  return out;
}

std::optional<Route> FindRoute(const std::vector<RouteEntry>& routes, std::string_view host) {
  std::string h = LowerCase(host);
  auto find = [&](std::string_view key) -> const RouteEntry* {
    for (const RouteEntry& e : routes) {
      if (e.domain == key) return &e;
    }
    return nullptr;
  };
  if (const RouteEntry* e = find(h); e && !h.empty()) return e->route;
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] != '.') continue;
    if (const RouteEntry* e = find(std::string_view(h).substr(i)); e) return e->route;
  }
  if (const RouteEntry* e = find("")) return e->route;
  return std::nullopt;
}

}  // namespace ms::remote
