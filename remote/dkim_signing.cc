#include "remote/dkim_signing.h"

#include "dkim_crypto.h"
#include "dkim_keys_control.h"
#include "dkim_sign.h"
#include "fd.h"
#include "log.h"

namespace ms::remote {

namespace {

void LogUnsigned(const std::string& domain, const std::string& reason) {
  LogLine("dkim").Add("result", "unsigned").Add("domain", domain).Add("reason", reason).Emit();
}

}  // namespace

void SignIfConfigured(const Control& control, const std::string& sender, StoredMessage* message, int64_t now) {
  auto entries = dkim::LoadKeyEntries(control);
  if (!entries.ok()) {
    LogUnsigned("", entries.error().message);
    return;
  }
  if (entries->empty()) return;
  dkim::Signer signer;
  Status read = message->Stream([&](std::string_view chunk) {
    signer.Update(chunk);
    return true;
  });
  if (!read.ok()) {
    LogUnsigned("", read.error().message);
    return;
  }
  signer.Finish();
  std::string domain = dkim::FromDomain(signer.headers().fields());
  if (domain.empty()) {
    size_t at = sender.rfind('@');
    if (at != std::string::npos) domain = sender.substr(at + 1);
  }
  auto chosen = dkim::ChooseKey(*entries, domain);
  if (!chosen) return;  // not a domain we sign for
  auto pem = ReadFile(dkim::KeyPath(control, chosen->keyfile));
  if (!pem.ok()) {
    LogUnsigned(chosen->domain, pem.error().message);
    return;
  }
  auto key = dkim::PrivateKeyFromPem(*pem);
  if (!key.ok()) {
    LogUnsigned(chosen->domain, chosen->keyfile + ": " + key.error().message);
    return;
  }
  auto field = signer.Sign(key->get(), chosen->domain, chosen->selector, now);
  if (!field.ok()) {
    LogUnsigned(chosen->domain, field.error().message);
    return;
  }
  message->Prepend(std::move(*field));
  LogLine("dkim").Add("result", "signed").Add("d", chosen->domain).Add("s", chosen->selector).Emit();
}

}  // namespace ms::remote
