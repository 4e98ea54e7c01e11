#include "dkim_verify.h"

#include <optional>

#include "address.h"
#include "dkim_canon.h"
#include "dkim_crypto.h"
#include "dkim_key.h"
#include "dkim_sign.h"
#include "dkim_signature.h"

namespace ms::dkim {

namespace {

constexpr int kMinRsaBits = 1024;  // RFC 8301 section 3.2
constexpr int kMaxRsaBits = 8192;  // bounds the cost of one verification

SignatureResult Decided(SignatureResult r, Outcome o, std::string reason) {
  r.outcome = o;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kFail: return "fail";
    case Outcome::kNeutral: return "neutral";
    case Outcome::kPermError: return "permerror";
    case Outcome::kTempError: return "temperror";
  }
  return "permerror";
}

struct Verifier::Pending {
  const HeaderField* field = nullptr;
  SignatureResult names;
  std::optional<Signature> signature;  // empty: parse_error says why
  std::string parse_error;
  Sha256 body_hash;
  std::unique_ptr<BodyCanonicalizer> body;
};

Verifier::Verifier(VerifyOptions options) : options_(options), headers_(kMaxHeaderBytes) {}
Verifier::~Verifier() = default;

void Verifier::StartBody() {
  body_started_ = true;
  if (headers_.too_large()) return;
  for (const HeaderField& f : headers_.fields()) {
    if (!SameFieldName(f.name, "dkim-signature")) continue;
    if (pending_.size() >= options_.max_signatures) {
      ++skipped_;
      continue;
    }
    auto p = std::make_unique<Pending>();
    p->field = &f;
    SignatureNames names = PeekNames(f);
    p->names.domain = names.domain;
    p->names.selector = names.selector;
    auto sig = ParseSignature(f);
    if (sig.ok()) {
      p->signature = std::move(*sig);
      p->names.identity = p->signature->identity;
      Pending* raw = p.get();
      p->body = std::make_unique<BodyCanonicalizer>(
          p->signature->body_canon, [raw](std::string_view b) { raw->body_hash.Update(b); },
          p->signature->length.value_or(UINT64_MAX));
    } else {
      p->parse_error = sig.error().message;
    }
    pending_.push_back(std::move(p));
  }
}

void Verifier::Update(std::string_view chunk) {
  std::string_view body = headers_.Update(chunk);
  if (headers_.done() && !body_started_) StartBody();
  if (body.empty()) return;
  for (auto& p : pending_) {
    if (p->body) p->body->Update(body);
  }
}

std::vector<SignatureResult> Verifier::Finish(const TxtLookup& lookup) {
  headers_.Finish();
  if (!body_started_) StartBody();
  std::vector<SignatureResult> results;
  if (headers_.too_large()) {
    results.push_back(Decided({}, Outcome::kPermError, "header section larger than 4 MiB"));
    return results;
  }
  for (auto& p : pending_) {
    SignatureResult r = p->names;
    if (!p->signature) {
      results.push_back(Decided(r, Outcome::kPermError, p->parse_error));
      continue;
    }
    const Signature& sig = *p->signature;
    p->body->Finish();
    if (sig.expiry && static_cast<int64_t>(*sig.expiry) < options_.now) {
      results.push_back(Decided(r, Outcome::kFail, "signature expired"));
      continue;
    }
    std::string name = sig.selector + "._domainkey." + sig.domain;
    TxtAnswer answer = lookup(name);
    if (answer.status == dns::Status::kTemporary) {
      results.push_back(Decided(r, Outcome::kTempError, "key lookup failed: " + answer.error));
      continue;
    }
    if (answer.status == dns::Status::kNotFound || answer.records.empty()) {
      results.push_back(Decided(r, Outcome::kPermError, "no key at " + name));
      continue;
    }
    // Several TXT records: the first that is a key record (6.1.2 leaves
    // the choice open).
    std::optional<KeyRecord> key;
    std::string key_error;
    for (const std::string& text : answer.records) {
      auto k = ParseKeyRecord(text);
      if (k.ok()) {
        key = std::move(*k);
        break;
      }
      if (key_error.empty()) key_error = k.error().message;
    }
    if (!key) {
      results.push_back(Decided(r, Outcome::kPermError, key_error));
      continue;
    }
    r.testing = key->testing;
    if (key->revoked) {
      results.push_back(Decided(r, Outcome::kPermError, "key revoked"));
      continue;
    }
    if (key->algorithm != sig.algorithm) {
      results.push_back(Decided(r, Outcome::kPermError, "key type does not match a="));
      continue;
    }
    if (key->strict) {
      std::string idomain = LowerCase(sig.identity.substr(sig.identity.rfind('@') + 1));
      if (idomain != sig.domain) {
        results.push_back(Decided(r, Outcome::kPermError, "key t=s and i= is a subdomain of d="));
        continue;
      }
    }
    auto public_key = PublicKeyFromBytes(key->algorithm, key->public_key);
    if (!public_key.ok()) {
      results.push_back(Decided(r, Outcome::kPermError, public_key.error().message));
      continue;
    }
    int bits = RsaBits(public_key->get());
    if (sig.algorithm == Algorithm::kRsaSha256 && (bits < kMinRsaBits || bits > kMaxRsaBits)) {
      results.push_back(Decided(r, Outcome::kPermError, "RSA key of " + std::to_string(bits) + " bits"));
      continue;
    }
    uint64_t total = p->body->total();
    if (sig.length && *sig.length > total) {
      results.push_back(Decided(r, Outcome::kFail, "l= is longer than the body"));
      continue;
    }
    if (p->body_hash.Final() != sig.bh) {
      results.push_back(Decided(r, Outcome::kFail, "body hash mismatch"));
      continue;
    }
    std::string data;
    for (const HeaderField* f : SelectSignedFields(headers_.fields(), sig.headers)) {
      data += CanonHeader(sig.header_canon, f->raw);
    }
    std::string self = CanonHeader(sig.header_canon, sig.field_without_b);
    data += self.substr(0, self.size() - 2);
    if (!VerifyData(public_key->get(), sig.algorithm, data, sig.b)) {
      results.push_back(Decided(r, Outcome::kFail, "signature did not verify"));
      continue;
    }
    if (sig.length && *sig.length < total) {
      results.push_back(Decided(r, Outcome::kNeutral,
                                "verifies, but l= leaves " + std::to_string(total - *sig.length) +
                                    " bytes of the body unsigned"));
      continue;
    }
    results.push_back(Decided(r, Outcome::kPass, "verified"));
  }
  return results;
}

std::vector<SignatureResult> VerifyMessage(std::string_view message, const TxtLookup& lookup,
                                           const VerifyOptions& options) {
  Verifier v(options);
  v.Update(message);
  return v.Finish(lookup);
}

}  // namespace ms::dkim
