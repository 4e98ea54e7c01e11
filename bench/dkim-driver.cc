// dkim-driver: the in-process load of bench/dkim.
//
//   dkim-driver sign|verify N KEY.pem MESSAGE SELECTOR
//
// sign: N times, lib/dkim_sign.h's Signer over the message and Sign with
// the key.  verify: signs once, then N times lib/dkim_verify.h's
// VerifyMessage with the key record served from memory (no DNS).  Prints
//   dkim op=sign n=N cpu_us_per_op=X
// (process CPU time of the loop alone, key loading excluded).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "dkim_crypto.h"
#include "dkim_sign.h"
#include "dkim_verify.h"
#include "fd.h"

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string SignOnce(EVP_PKEY* key, const std::string& message, const char* selector) {
  ms::dkim::Signer signer;
  signer.Update(message);
  signer.Finish();
  auto field = signer.Sign(key, "bench.example", selector, 1700000000);
  if (!field.ok()) {
    std::fprintf(stderr, "dkim-driver: %s\n", field.error().message.c_str());
    std::exit(1);
  }
  return *field;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fputs("usage: dkim-driver sign|verify N KEY.pem MESSAGE SELECTOR\n", stderr);
    return 2;
  }
  std::string op = argv[1];
  long n = std::atol(argv[2]);
  auto pem = ms::ReadFile(argv[3]);
  auto message = ms::ReadFile(argv[4]);
  if (!pem.ok() || !message.ok()) return 1;
  auto key = ms::dkim::PrivateKeyFromPem(*pem);
  if (!key.ok()) return 1;
  auto algorithm = ms::dkim::AlgorithmOf(key->get());
  std::string record = std::string("v=DKIM1; k=") +
                       (*algorithm == ms::dkim::Algorithm::kRsaSha256 ? "rsa" : "ed25519") +
                       "; p=" + ms::dkim::Base64Encode(*ms::dkim::PublicKeyBytes(key->get()));
  std::string signed_message = SignOnce(key->get(), *message, argv[5]) + *message;
  ms::dkim::VerifyOptions options;
  options.now = 1700000000;
  auto lookup = [&](const std::string&) {
    ms::dkim::TxtAnswer a;
    a.status = ms::dns::Status::kFound;
    a.records = {record};
    return a;
  };
  size_t sink = 0;
  double start = CpuSeconds();
  for (long i = 0; i < n; ++i) {
    if (op == "sign") {
      sink += SignOnce(key->get(), *message, argv[5]).size();
    } else {
      auto r = ms::dkim::VerifyMessage(signed_message, lookup, options);
      if (r.size() != 1 || r[0].outcome != ms::dkim::Outcome::kPass) {
        std::fprintf(stderr, "dkim-driver: verification failed: %s\n", r.empty() ? "none" : r[0].reason.c_str());
        return 1;
      }
      ++sink;
    }
  }
  double cpu = CpuSeconds() - start;
  std::printf("dkim op=%s n=%ld cpu_us_per_op=%.1f check=%zu\n", op.c_str(), n, n ? cpu / n * 1e6 : 0.0, sink);
  return 0;
}
