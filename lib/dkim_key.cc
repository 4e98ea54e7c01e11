#include "dkim_key.h"

#include "dkim_tags.h"

namespace ms::dkim {

Result<KeyRecord> ParseKeyRecord(std::string_view txt) {
  auto parsed = TagList::Parse(txt);
  if (!parsed.ok()) return MakeError("malformed key record: " + parsed.error().message);
  const TagList& tags = *parsed;
  KeyRecord key;
  if (const auto* v = tags.Find("v")) {
    if (tags.tags().front().name != "v") return MakeError("v= is not the first tag of the key record");
    if (*v != "DKIM1") return MakeError("key record v= is not DKIM1");
  }
  if (const auto* k = tags.Find("k")) {
    if (*k == "rsa") {
      key.algorithm = Algorithm::kRsaSha256;
    } else if (*k == "ed25519") {
      key.algorithm = Algorithm::kEd25519Sha256;
    } else {
      return MakeError("unknown key type k=" + std::string(*k));
    }
  }
  if (const auto* h = tags.Find("h")) {
    bool sha256 = false;
    for (std::string_view name : SplitColonList(*h)) sha256 = sha256 || name == "sha256";
    if (!sha256) return MakeError("key h= does not allow sha256");
  }
  if (const auto* s = tags.Find("s")) {
    bool email = false;
    for (std::string_view name : SplitColonList(*s)) email = email || name == "*" || name == "email";
    if (!email) return MakeError("key s= is not for email");
  }
  if (const auto* t = tags.Find("t")) {
    for (std::string_view flag : SplitColonList(*t)) {
      if (flag == "y") key.testing = true;
      if (flag == "s") key.strict = true;
    }
  }
  const auto* p = tags.Find("p");
  if (!p) return MakeError("key record has no p=");
  std::string p_text = WithoutFws(*p);
  if (p_text.empty()) {
    key.revoked = true;
    return key;
  }
  auto bytes = Base64Decode(p_text, kMaxPublicKeyBytes);
  if (!bytes.ok()) return MakeError("p=: " + bytes.error().message);
  key.public_key = std::move(*bytes);
  return key;
}

}  // namespace ms::dkim
