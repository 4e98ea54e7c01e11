// libFuzzer: SPF records (lib/spf_record's parser) and their evaluation
// (lib/spf's check_host) over an in-memory DNS where every TXT question
// is answered with the fuzz input itself, so include:, redirect= and
// every macro recurse into hostile text: the lookup and void limits must
// end each evaluation, whatever the record.
#include <cstddef>
#include <cstdint>
#include <string>

#include "received_spf.h"
#include "spf.h"
#include "spf_record.h"

namespace {

class EchoResolver : public ms::spf::Resolver {
 public:
  explicit EchoResolver(std::string text) : text_(std::move(text)) {}
  ms::spf::Answer Query(std::string_view name, ms::dns::Type type) override {
    ms::spf::Answer a;
    a.status = ms::dns::Status::kFound;
    if (++queries_ > 200) __builtin_trap();  // the limits must stop far earlier
    switch (type) {
      case ms::dns::Type::kTxt: a.texts = {text_}; break;
      case ms::dns::Type::kA: a.addresses = {ms::IpAddress::V4(0xc0000201u)}; break;
      case ms::dns::Type::kAaaa: a.addresses = {*ms::IpAddress::Parse("2001:db8::1")}; break;
      case ms::dns::Type::kMx: a.names = {"mx." + std::string(name.substr(0, 200))}; break;
      case ms::dns::Type::kPtr: a.names = {"host.example.org"}; break;
      default: a.status = ms::dns::Status::kNotFound;
    }
    if (name.size() % 3 == 0 && type != ms::dns::Type::kTxt) {  // some voids
      a = ms::spf::Answer();
      a.status = ms::dns::Status::kNotFound;
    }
    return a;
  }

 private:
  std::string text_;
  int queries_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ms::spf::Record record;
  std::string error;
  ms::spf::ParseRecord(text, &record, &error);
  if (!ms::spf::IsSpfRecordText(text)) text = "v=spf1 " + text;
  for (const char* ip : {"192.0.2.1", "2001:db8::1"}) {
    EchoResolver resolver(text);
    ms::spf::Request request;
    request.ip = *ms::IpAddress::Parse(ip);
    request.sender = size % 2 ? "joe@example.org" : "";
    request.helo = "mx.example.org";
    request.receiver = "mail.example.net";
    ms::spf::Outcome outcome = ms::spf::Check(request, resolver);
    if (outcome.lookups > 11) __builtin_trap();
    std::string field = ms::spf::ReceivedSpfField(outcome, request);
    for (size_t i = 0; i + 1 < field.size(); ++i)
      if (field[i] == '\n' && field[i + 1] != '\t') __builtin_trap();  // one folded field
  }
  return 0;
}
