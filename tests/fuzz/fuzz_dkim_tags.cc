// libFuzzer target: the DKIM tag-list parser and the DKIM-Signature
// reader (lib/dkim_tags.h, lib/dkim_signature.h), and the verifier
// around them with a fixed key in a scripted DNS.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dkim_signature.h"
#include "dkim_tags.h"
#include "dkim_verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto tags = ms::dkim::TagList::Parse(in);
  if (tags.ok()) {
    for (const auto& t : tags->tags()) {
      if (t.raw_begin > t.raw_end || t.raw_end > in.size()) __builtin_trap();
      if (tags->Find(t.name) == nullptr) __builtin_trap();
    }
  }
  ms::dkim::HeaderField field{"DKIM-Signature", "DKIM-Signature:" + std::string(in)};
  auto sig = ms::dkim::ParseSignature(field);
  if (sig.ok() && sig->field_without_b.size() > field.raw.size()) __builtin_trap();
  std::string message = field.raw + "\r\nFrom: a@football.example.com\r\nSubject: x\r\n\r\nbody\r\n";
  ms::dkim::VerifyOptions options;
  options.now = 1700000000;
  auto results = ms::dkim::VerifyMessage(
      message,
      [](const std::string&) {
        ms::dkim::TxtAnswer a;
        a.status = ms::dns::Status::kFound;
        a.records = {"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="};
        return a;
      },
      options);
  if (results.size() > 1) __builtin_trap();
  return 0;
}
