#include "queue/inject_header.h"

#include <strings.h>

#include "queue/address_list.h"

namespace ms::queue {

namespace {

bool IsResent(const HeaderField& f) {
  return f.name.size() > 7 && ::strncasecmp(f.name.c_str(), "Resent-", 7) == 0;
}

bool Has(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const auto& f : fields)
    if (f.Is(name)) return true;
  return false;
}

}  // namespace

Result<std::vector<std::string>> HeaderRecipients(const std::vector<HeaderField>& fields) {
  bool resent = false;
  for (const auto& f : fields) resent = resent || IsResent(f);
  const char* names[3] = {"To", "Cc", "Bcc"};
  if (resent) names[0] = "Resent-To", names[1] = "Resent-Cc", names[2] = "Resent-Bcc";
  std::vector<std::string> out;
  for (const auto& f : fields) {
    if (!f.Is(names[0]) && !f.Is(names[1]) && !f.Is(names[2])) continue;
    auto list = ParseAddressList(f.value());
    if (!list) return MakeError("in the " + f.name + " field: " + list.error().message);
    for (auto& a : *list) out.push_back(std::move(a));
  }
  return out;
}

std::string FormatMailbox(std::string_view name, std::string_view address) {
  std::string quoted;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  if (quoted.empty()) return std::string(address);
  return "\"" + quoted + "\" <" + std::string(address) + ">";
}

std::string RebuildHeader(const std::vector<HeaderField>& fields, const AddedFields& added) {
  std::string out;
  for (const auto& f : fields) {
    if (f.Is("Bcc") || f.Is("Resent-Bcc")) continue;
    out += f.text;
    if (out.back() != '\n') out += '\n';
  }
  if (!Has(fields, "Date")) out += "Date: " + added.date + "\n";
  if (!Has(fields, "Message-ID")) out += "Message-ID: " + added.message_id + "\n";
  if (!Has(fields, "From")) out += "From: " + FormatMailbox(added.from_name, added.from_address) + "\n";
  out += "\n";
  return out;
}

}  // namespace ms::queue
