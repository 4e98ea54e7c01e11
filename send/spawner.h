// The spawners: small processes forked by mailsuite-send at start that
// run deliverers for it (protocol: send/SPAWNER.md).  The local spawner
// keeps root (when send starts as root) only to switch to the recipient's
// uid/gid before running mailsuite-local's code in a forked child; the
// remote spawner runs as msremote and execs mailsuite-remote.
#ifndef MAILSUITE_SEND_SPAWNER_H_
#define MAILSUITE_SEND_SPAWNER_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fd.h"
#include "result.h"

namespace ms::send {

struct SpawnRequest {
  uint64_t job = 0;
  uid_t uid = 0;  // used only by a spawner that switches users
  gid_t gid = 0;
  std::string quota;              // -> MAILSUITE_QUOTA for the deliverer ("" = none)
  std::vector<std::string> args;  // after argv[0]
};

struct SpawnReply {
  uint64_t job = 0;
  int wait_status = 0;  // as from waitpid
};

// Wire encoding (SPAWNER.md); Decode* reject anything malformed.
std::string EncodeSpawnRequest(const SpawnRequest& request);
std::optional<SpawnRequest> DecodeSpawnRequest(std::string_view data);
std::string EncodeSpawnReply(const SpawnReply& reply);
std::optional<SpawnReply> DecodeSpawnReply(std::string_view data);

// Largest request datagram.
inline constexpr size_t kMaxSpawnRequest = 256 * 1024;

struct SpawnerOptions {
  std::string program;      // absolute path of the deliverer
  // When set, the deliverer runs in the forked child instead of an exec of
  // `program` (which is still its argv[0]): the same code as the program's
  // main, minus an exec per delivery (SPAWNER.md "In-process deliverer").
  int (*in_process)(int argc, char** argv) = nullptr;
  bool switch_user = false;  // root: setgid/setgroups/setuid per request
  // The local spawner: requests name a recipient (recipient_request.h),
  // never an account; the spawner looks it up itself in users_file and
  // passwd (recipient_lookup.h) and appends default_delivery, which is
  // fixed here, at start, from its own reading of the control file.
  bool looks_up_recipients = false;
  std::string users_file;
  std::string default_delivery;
  // When set, the spawner itself drops to this uid/gid before serving.
  std::optional<std::pair<uid_t, gid_t>> run_as;
};

// The scheduler's end of a spawner.
class SpawnerClient {
 public:
  SpawnerClient() = default;
  SpawnerClient(UniqueFd socket, pid_t pid) : socket_(std::move(socket)), pid_(pid) {}
  int fd() const { return socket_.get(); }
  bool fd_valid() const { return socket_.valid(); }
  void Close() { socket_.reset(); }
  pid_t pid() const { return pid_; }
  // Sends a request with the deliverer's fd 0 and fd 1.
  Status Send(const SpawnRequest& request, int fd0, int fd1);
  // The same for an encoded request (a recipient request to the local spawner).
  Status SendDatagram(const std::string& data, int fd0, int fd1);
  // Reads one reply (call when fd() is readable).  nullopt with *eof set
  // when the spawner is gone.
  std::optional<SpawnReply> Receive(bool* eof);

 private:
  UniqueFd socket_;
  pid_t pid_ = -1;
};

// Forks a spawner; in the child, serves requests until the scheduler
// closes its end, then exits.
Result<SpawnerClient> StartSpawner(const SpawnerOptions& options);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_SPAWNER_H_
