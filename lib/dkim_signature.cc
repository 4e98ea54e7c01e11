#include "dkim_signature.h"

#include "address.h"
#include "dkim_tags.h"

namespace ms::dkim {

namespace {

constexpr size_t kMaxSignatureBytes = 1024;  // RSA 8192 bits

// A decimal of at most digits digits.
bool ReadNumber(std::string_view text, size_t digits, uint64_t* out) {
  if (text.empty() || text.size() > digits) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool ValidSelector(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_';
    if (!ok) return false;
  }
  return s.front() != '.' && s.back() != '.' && s.find("..") == std::string_view::npos;
}

Result<Canon> ReadCanon(std::string_view name) {
  if (name == "simple") return Canon::kSimple;
  if (name == "relaxed") return Canon::kRelaxed;
  return MakeError("unknown canonicalization " + std::string(name));
}

std::string_view FieldValue(const HeaderField& field) {
  size_t colon = field.raw.find(':');
  return colon == std::string::npos ? std::string_view() : std::string_view(field.raw).substr(colon + 1);
}

}  // namespace

SignatureNames PeekNames(const HeaderField& field) {
  SignatureNames names;
  if (field.raw.size() > kMaxSignatureField) return names;
  auto tags = TagList::Parse(FieldValue(field));
  if (!tags.ok()) return names;
  if (auto* d = tags->Find("d")) names.domain = LowerCase(*d);
  if (auto* s = tags->Find("s")) names.selector = std::string(*s);
  return names;
}

Result<Signature> ParseSignature(const HeaderField& field) {
  if (field.raw.size() > kMaxSignatureField) return MakeError("signature field longer than 64 KiB");
  size_t colon = field.raw.find(':');
  if (colon == std::string::npos) return MakeError("no colon");
  std::string_view value = std::string_view(field.raw).substr(colon + 1);
  auto parsed = TagList::Parse(value);
  if (!parsed.ok()) return MakeError("malformed tag list: " + parsed.error().message);
  const TagList& tags = *parsed;
  Signature sig;
  auto required = [&](const char* name) -> const std::string_view* { return tags.Find(name); };
  for (const char* name : {"v", "a", "b", "bh", "d", "h", "s"}) {
    if (!required(name)) return MakeError(std::string("missing tag ") + name + "=");
  }
  if (*tags.Find("v") != "1") return MakeError("v= is not 1");
  std::string_view a = *tags.Find("a");
  if (a == "rsa-sha256") {
    sig.algorithm = Algorithm::kRsaSha256;
  } else if (a == "ed25519-sha256") {
    sig.algorithm = Algorithm::kEd25519Sha256;
  } else if (a == "rsa-sha1") {
    return MakeError("rsa-sha1 is not accepted (RFC 8301)");
  } else {
    return MakeError("unknown algorithm " + std::string(a));
  }
  auto b = Base64Decode(WithoutFws(*tags.Find("b")), kMaxSignatureBytes);
  if (!b.ok()) return MakeError("b=: " + b.error().message);
  if (b->empty()) return MakeError("b= is empty");
  sig.b = std::move(*b);
  auto bh = Base64Decode(WithoutFws(*tags.Find("bh")), 64);
  if (!bh.ok()) return MakeError("bh=: " + bh.error().message);
  if (bh->size() != 32) return MakeError("bh= is not a SHA-256 hash");
  sig.bh = std::move(*bh);
  if (const auto* c = tags.Find("c")) {
    size_t slash = c->find('/');
    auto hc = ReadCanon(c->substr(0, slash));
    if (!hc.ok()) return hc.error();
    sig.header_canon = *hc;
    if (slash != std::string_view::npos) {
      auto bc = ReadCanon(c->substr(slash + 1));
      if (!bc.ok()) return bc.error();
      sig.body_canon = *bc;
    }
  }
  sig.domain = LowerCase(*tags.Find("d"));
  if (!IsValidDomain(sig.domain)) return MakeError("d= is not a domain");
  sig.selector = std::string(*tags.Find("s"));
  if (!ValidSelector(sig.selector)) return MakeError("s= is not a selector");
  bool has_from = false;
  for (std::string_view h : SplitColonList(*tags.Find("h"))) {
    if (h.empty()) return MakeError("empty name in h=");
    if (SameFieldName(h, "from")) has_from = true;
    sig.headers.emplace_back(h);
  }
  if (!has_from) return MakeError("h= does not include From");
  if (const auto* i = tags.Find("i")) {
    size_t at = i->rfind('@');
    if (at == std::string_view::npos) return MakeError("i= has no @");
    std::string idomain = LowerCase(i->substr(at + 1));
    bool sub = idomain == sig.domain ||
               (idomain.size() > sig.domain.size() &&
                idomain.compare(idomain.size() - sig.domain.size(), std::string::npos, sig.domain) == 0 &&
                idomain[idomain.size() - sig.domain.size() - 1] == '.');
    if (!sub) return MakeError("i= is not in d='s domain");
    sig.identity = std::string(*i);
  } else {
    sig.identity = "@" + sig.domain;
  }
  if (const auto* l = tags.Find("l")) {
    uint64_t n = 0;
    // l= may have up to 76 digits; anything past uint64 is longer than
    // any body, which is how it is then treated.
    bool digits_only = !l->empty() && l->size() <= 76 && l->find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits_only) return MakeError("l= is not a number");
    sig.length = ReadNumber(*l, 19, &n) ? n : UINT64_MAX;
  }
  if (const auto* q = tags.Find("q")) {
    bool dns = false;
    for (std::string_view m : SplitColonList(*q)) dns = dns || m == "dns/txt";
    if (!dns) return MakeError("q= does not offer dns/txt");
  }
  uint64_t n = 0;
  if (const auto* t = tags.Find("t")) {
    if (!ReadNumber(*t, 12, &n)) return MakeError("t= is not a number");
    sig.timestamp = n;
  }
  if (const auto* x = tags.Find("x")) {
    if (!ReadNumber(*x, 12, &n)) return MakeError("x= is not a number");
    sig.expiry = n;
    if (sig.timestamp && *sig.expiry < *sig.timestamp) return MakeError("x= is before t=");
  }
  // The field with b='s value (and the white space around it) removed.
  for (const Tag& t : tags.tags()) {
    if (t.name != "b") continue;
    size_t begin = colon + 1 + t.raw_begin, end = colon + 1 + t.raw_end;
    sig.field_without_b = field.raw.substr(0, begin) + field.raw.substr(end);
  }
  return sig;
}

}  // namespace ms::dkim
