// Passing one to four descriptors with a small message over a
// SOCK_SEQPACKET socket (SCM_RIGHTS): send's spawner and delivery workers
// (send/SPAWNER.md), smtpd's queue helper and mailsuite-tcpserver's pool
// of them (smtpd/QUEUE_HELPER.md), mailsuite-filterpool (filter/FILTER_POOL.md).
#ifndef MAILSUITE_LIB_FD_PASSING_H_
#define MAILSUITE_LIB_FD_PASSING_H_

#include <string>
#include <string_view>

#include "fd.h"
#include "result.h"

namespace ms {

// One packet: data, and fd0 and fd1 as the two descriptors.  Retries on
// EINTR; never raises SIGPIPE.
Status SendWithFds(int sock, std::string_view data, int fd0, int fd1);

// One packet of at most max_size bytes into *data, its two descriptors
// (close-on-exec) into *fd0 and *fd1; extra descriptors are closed.  False
// when nothing usable arrived: *eof then tells whether the peer is gone
// (end of file or an error other than EINTR/EAGAIN), as opposed to a
// packet that was truncated or carried fewer than two descriptors, or an
// interrupted call (errno is then EINTR, and nothing was read).
bool ReceiveWithFds(int sock, size_t max_size, std::string* data, UniqueFd* fd0, UniqueFd* fd1,
                    bool* eof);

// The same with exactly one descriptor.
Status SendWithFd(int sock, std::string_view data, int fd);
bool ReceiveWithFd(int sock, size_t max_size, std::string* data, UniqueFd* fd, bool* eof);

// The same with count (1-4) descriptors: fds[] out, out[] in (a packet
// that does not carry exactly count descriptors is refused).
Status SendFdArray(int sock, std::string_view data, const int* fds, size_t count);
bool ReceiveFdArray(int sock, size_t max_size, std::string* data, UniqueFd* out, size_t count, bool* eof);
// The same for a packet with from 0 to count descriptors: *got says how
// many arrived (in out[0..*got)); more than count is refused.
bool ReceiveFdsUpTo(int sock, size_t max_size, std::string* data, UniqueFd* out, size_t count, size_t* got,
                    bool* eof);

}  // namespace ms

#endif  // MAILSUITE_LIB_FD_PASSING_H_
