#include "smtpd/stress_mode.h"

#include <csignal>

namespace ms::smtpd {
namespace {

static_assert(kStressOnSignal == SIGUSR1 && kStressOffSignal == SIGUSR2);

volatile std::sig_atomic_t under_stress = 0;

void OnStressSignal(int signo) { under_stress = signo == SIGUSR1 ? 1 : 0; }

}  // namespace

bool InstallStressHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStressSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a session's poll returns EINTR
  return ::sigaction(SIGUSR1, &action, nullptr) == 0 && ::sigaction(SIGUSR2, &action, nullptr) == 0;
}

void SetUnderStress(bool on) { under_stress = on ? 1 : 0; }

bool UnderStress() { return under_stress != 0; }

}  // namespace ms::smtpd
