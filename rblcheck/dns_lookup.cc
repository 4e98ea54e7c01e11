#include "rblcheck/dns_lookup.h"

#include <arpa/inet.h>
#include <dns.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "fd.h"

namespace ms::rbl {

namespace {

// djbdns's per-round waits; a round asks every server once.
constexpr int64_t kRoundWaitMs[] = {1000, 3000, 11000, 45000};
constexpr int kRounds = 4;
constexpr int64_t kTcpWaitMs = 10000;
constexpr int64_t kDefaultLookupTimeoutMs = 10000;

uint16_t RandomId() {
  uint16_t id = 0;
  if (getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id) {
    id = static_cast<uint16_t>(MonotonicMs() ^ getpid());
  }
  return id;
}

}  // namespace

std::vector<DnsServer> ConfiguredServers() {
  char ips[256];
  std::memset(ips, 0, sizeof ips);
  std::vector<DnsServer> servers;
  if (dns_resolvconfip(ips) == -1) std::memset(ips, 0, sizeof ips);
  static constexpr char kZero[16] = {};
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  for (int i = 0; i < 16; ++i) {
    const char* ip = ips + 16 * i;
    if (std::memcmp(ip, kZero, 16) == 0) continue;
    DnsServer s;
    if (std::memcmp(ip, kMapped, 12) == 0) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&s.addr);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(53);
      std::memcpy(&sin->sin_addr, ip + 12, 4);
      s.len = sizeof *sin;
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s.addr);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(53);
      std::memcpy(&sin6->sin6_addr, ip, 16);
      s.len = sizeof *sin6;
    }
    servers.push_back(s);
  }
  if (servers.empty()) {
    DnsServer s;
    auto* sin = reinterpret_cast<sockaddr_in*>(&s.addr);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(53);
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s.len = sizeof *sin;
    servers.push_back(s);
  }
  return servers;
}

int64_t LookupTimeoutMs() {
  const char* text = std::getenv("MAILSUITE_DNS_TIMEOUT");
  if (!text || !*text) return kDefaultLookupTimeoutMs;
  char* end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end || !(seconds > 0) || seconds > 3600) return kDefaultLookupTimeoutMs;
  return static_cast<int64_t>(seconds * 1000);
}

struct ParallelResolver::Query {
  enum class Transport { kUdp, kTcpConnecting, kTcpWriting, kTcpReading };
  std::string wire_name;
  uint16_t qtype = 0;
  std::string packet;  // the query as last sent
  LookupResult result;
  int attempt = 0;     // round * servers + server
  size_t server = 0;
  int64_t attempt_end_ms = 0;
  int64_t give_up_ms = 0;
  Transport transport = Transport::kUdp;
  UniqueFd fd;
  std::string tcp_out;
  size_t tcp_written = 0;
  std::string tcp_in;
  std::vector<bool> server_failed;  // answered SERVFAIL/REFUSED: not asked again

  bool pending() const { return result.status == LookupResult::Status::kPending; }

  void Finish(LookupResult::Status status) {
    result.status = status;
    fd.reset();
  }

  // Sends the next UDP attempt, or gives up when every round is spent.
  void NextAttempt(const std::vector<DnsServer>& servers) {
    transport = Transport::kUdp;
    server_failed.resize(servers.size());
    while (attempt < kRounds * static_cast<int>(servers.size())) {
      server = static_cast<size_t>(attempt) % servers.size();
      int64_t wait = kRoundWaitMs[static_cast<size_t>(attempt) / servers.size()];
      ++attempt;
      if (server_failed[server]) continue;
      const DnsServer& s = servers[server];
      fd.reset(socket(s.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (!fd.valid()) continue;
      packet = BuildQuery(RandomId(), wire_name, qtype);
      if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&s.addr), s.len) == -1) continue;
      if (send(fd.get(), packet.data(), packet.size(), 0) != static_cast<ssize_t>(packet.size())) {
        continue;
      }
      attempt_end_ms = MonotonicMs() + wait;
      return;
    }
    Finish(LookupResult::Status::kTemporaryFailure);
  }

  // The answer was truncated: ask the same server over TCP.
  void StartTcp(const std::vector<DnsServer>& servers) {
    const DnsServer& s = servers[server];
    fd.reset(socket(s.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return NextAttempt(servers);
    if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&s.addr), s.len) == -1 &&
        errno != EINPROGRESS) {
      return NextAttempt(servers);
    }
    tcp_out.clear();
    tcp_out.push_back(static_cast<char>(packet.size() >> 8));
    tcp_out.push_back(static_cast<char>(packet.size() & 255));
    tcp_out += packet;
    tcp_written = 0;
    tcp_in.clear();
    transport = Transport::kTcpConnecting;
    attempt_end_ms = MonotonicMs() + kTcpWaitMs;
  }

  void Accept(const std::vector<DnsServer>& servers, std::string_view reply, bool over_tcp) {
    Answer answer = ParseAnswer(reply, packet);
    if (over_tcp && answer.kind == AnswerKind::kTruncated) {
      // djbdns ignores TC over TCP: read the packet as it is.
      std::string copy(reply);
      copy[2] = static_cast<char>(copy[2] & ~0x02);
      answer = ParseAnswer(copy, packet);
    }
    switch (answer.kind) {
      case AnswerKind::kIrrelevant:
        if (over_tcp) NextAttempt(servers);
        return;
      case AnswerKind::kServerFailed:
        server_failed[server] = true;
        return NextAttempt(servers);
      case AnswerKind::kTruncated:
        return StartTcp(servers);
      case AnswerKind::kMalformed:
        return Finish(LookupResult::Status::kTemporaryFailure);
      case AnswerKind::kUsable:
        result.txt = std::move(answer.txt);
        result.a = std::move(answer.a);
        return Finish(LookupResult::Status::kDone);
    }
  }

  short Events() const {
    return transport == Transport::kTcpConnecting || transport == Transport::kTcpWriting
               ? POLLOUT
               : POLLIN;
  }

  void OnReady(const std::vector<DnsServer>& servers) {
    char buf[4096];
    switch (transport) {
      case Transport::kUdp: {
        ssize_t r = recv(fd.get(), buf, sizeof buf, 0);
        if (r < 0) {
          if (errno == EAGAIN || errno == EINTR) return;
          server_failed[server] = true;  // e.g. ECONNREFUSED: nobody listens there
          return NextAttempt(servers);
        }
        return Accept(servers, std::string_view(buf, static_cast<size_t>(r)), false);
      }
      case Transport::kTcpConnecting:
      case Transport::kTcpWriting: {
        transport = Transport::kTcpWriting;
        ssize_t w = write(fd.get(), tcp_out.data() + tcp_written, tcp_out.size() - tcp_written);
        if (w < 0) {
          if (errno == EAGAIN || errno == EINTR) return;
          return NextAttempt(servers);
        }
        tcp_written += static_cast<size_t>(w);
        if (tcp_written == tcp_out.size()) transport = Transport::kTcpReading;
        return;
      }
      case Transport::kTcpReading: {
        ssize_t r = read(fd.get(), buf, sizeof buf);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (r <= 0) return NextAttempt(servers);
        tcp_in.append(buf, static_cast<size_t>(r));
        if (tcp_in.size() < 2) return;
        size_t want = (static_cast<size_t>(static_cast<uint8_t>(tcp_in[0])) << 8) |
                      static_cast<uint8_t>(tcp_in[1]);
        if (tcp_in.size() < 2 + want) return;
        return Accept(servers, std::string_view(tcp_in).substr(2, want), true);
      }
    }
  }
};

ParallelResolver::ParallelResolver(std::vector<DnsServer> servers) : servers_(std::move(servers)) {}
ParallelResolver::~ParallelResolver() = default;

size_t ParallelResolver::Start(std::string_view dotted_name, uint16_t qtype) {
  auto q = std::make_unique<Query>();
  q->qtype = qtype;
  q->give_up_ms = MonotonicMs() + LookupTimeoutMs();
  auto wire = NameToWire(dotted_name);
  if (!wire || servers_.empty()) {
    q->Finish(LookupResult::Status::kTemporaryFailure);
  } else {
    q->wire_name = std::move(*wire);
    q->NextAttempt(servers_);
  }
  queries_.push_back(std::move(q));
  return queries_.size() - 1;
}

const LookupResult& ParallelResolver::result(size_t index) const {
  return queries_[index]->result;
}

void ParallelResolver::Pump(const Deadline& deadline) {
  std::vector<pollfd> fds;
  std::vector<Query*> owners;
  int64_t now = MonotonicMs();
  int64_t wake = -1;
  for (auto& q : queries_) {
    if (!q->pending()) continue;
    int64_t end = std::min(q->attempt_end_ms, q->give_up_ms);
    if (wake < 0 || end < wake) wake = end;
    fds.push_back(pollfd{q->fd.get(), q->Events(), 0});
    owners.push_back(q.get());
  }
  if (owners.empty()) return;
  int timeout = static_cast<int>(std::max<int64_t>(0, wake - now));
  int limit = deadline.PollTimeout();
  if (limit >= 0 && limit < timeout) timeout = limit;
  int n = poll(fds.data(), fds.size(), timeout);
  if (n < 0 && errno != EINTR) return;
  for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
    if (fds[i].revents) owners[i]->OnReady(servers_);
  }
  now = MonotonicMs();
  for (Query* q : owners) {
    if (!q->pending()) continue;
    if (now >= q->give_up_ms) {
      q->Finish(LookupResult::Status::kTemporaryFailure);
    } else if (now >= q->attempt_end_ms) {
      q->NextAttempt(servers_);
    }
  }
}

const LookupResult& ParallelResolver::Wait(size_t index, const Deadline& deadline) {
  Query& q = *queries_[index];
  while (q.pending()) {
    if (deadline.Expired()) {
      q.Finish(LookupResult::Status::kTemporaryFailure);
      break;
    }
    Pump(deadline);
  }
  return q.result;
}

}  // namespace ms::rbl
