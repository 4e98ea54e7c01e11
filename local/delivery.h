// One local delivery from start to end: home checks, dot file, loop
// checks, each instruction in order, forwards last (one queued message).
#ifndef MAILSUITE_LOCAL_DELIVERY_H_
#define MAILSUITE_LOCAL_DELIVERY_H_

#include <string>

#include "local/recipient.h"

namespace ms::local {

struct Outcome {
  int exit_code = 111;  // 0 delivered, 100 permanent, 111 temporary
  std::string line;     // the one line of reason for send's log and bounces
};

// message_fd: where the message is (fd 0).  Changes the working directory
// to the home directory.
Outcome Deliver(const Arguments& args, int message_fd);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_DELIVERY_H_
