#include "dkim_sign.h"

#include <map>
#include <vector>

#include "address.h"

namespace ms::dkim {

namespace {

// RFC 6376 section 5.4.1, "SHOULD be included".
constexpr const char* kSignedFields[] = {
    "from", "reply-to", "subject", "date", "to", "cc", "resent-date", "resent-from", "resent-to", "resent-cc",
    "in-reply-to", "references", "list-id", "list-help", "list-unsubscribe", "list-subscribe", "list-post",
    "list-owner", "list-archive"};

}  // namespace

std::vector<const HeaderField*> SelectSignedFields(const std::vector<HeaderField>& fields,
                                         const std::vector<std::string>& names) {
  std::map<std::string, std::vector<const HeaderField*>> by_name;
  for (const HeaderField& f : fields) by_name[LowerCase(f.name)].push_back(&f);
  std::vector<const HeaderField*> out;
  for (const std::string& name : names) {
    auto it = by_name.find(LowerCase(name));
    if (it == by_name.end() || it->second.empty()) continue;
    out.push_back(it->second.back());
    it->second.pop_back();
  }
  return out;
}

Signer::Signer()
    : headers_(kMaxHeaderBytes), body_(Canon::kRelaxed, [this](std::string_view b) { body_hash_.Update(b); }) {}

void Signer::Update(std::string_view chunk) {
  std::string_view body = headers_.Update(chunk);
  if (!body.empty()) body_.Update(body);
}

void Signer::Finish() {
  headers_.Finish();
  body_.Finish();
  bh_ = body_hash_.Final();
}

Result<std::string> Signer::Sign(EVP_PKEY* key, std::string_view domain, std::string_view selector,
                                 int64_t now) const {
  if (headers_.too_large()) return MakeError("header section larger than 4 MiB");
  auto algorithm = AlgorithmOf(key);
  if (!algorithm.ok()) return algorithm.error();
  const auto& fields = headers_.fields();
  std::vector<std::string> names;
  for (const char* wanted : kSignedFields) {
    size_t count = 0;
    for (const HeaderField& f : fields) count += SameFieldName(f.name, wanted);
    if (count == 0) continue;
    for (size_t i = 0; i <= count; ++i) names.push_back(wanted);
  }
  if (names.empty()) return MakeError("the message has no From: field");

  // h= folded into lines of at most about 72 columns.
  std::string h = "h=";
  size_t column = 3;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string item = names[i] + (i + 1 < names.size() ? ":" : ";");
    if (column + item.size() > 72) {
      h += "\r\n\t ";
      column = 2;
    }
    h += item;
    column += item.size();
  }
  std::string field = "DKIM-Signature: v=1; a=" + std::string(AlgorithmName(*algorithm)) +
                      "; c=relaxed/relaxed;\r\n\td=" + std::string(domain) + "; s=" + std::string(selector) +
                      "; t=" + std::to_string(now) + ";\r\n\t" + h + "\r\n\tbh=" + Base64Encode(bh_) +
                      ";\r\n\tb=";
  std::string data;
  for (const HeaderField* f : SelectSignedFields(fields, names)) data += CanonHeader(Canon::kRelaxed, f->raw);
  std::string self = CanonHeader(Canon::kRelaxed, field);
  data += self.substr(0, self.size() - 2);  // without its CRLF (3.7)
  auto signature = SignData(key, *algorithm, data);
  if (!signature.ok()) return signature.error();
  std::string b = Base64Encode(*signature);
  for (size_t pos = 0; pos < b.size(); pos += 72) {
    if (pos > 0) field += "\r\n\t ";
    field += b.substr(pos, 72);
  }
  return field + "\r\n";
}

}  // namespace ms::dkim
