#include "tcpserver/tcpserver_identity.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ms::smtpd {

Status TakeServerIdentity(const TcpServerOptions& options, const std::string& queue_tmp) {
  if (!options.uid || !options.gid) return Ok{};
  const uid_t uid = *options.uid;
  const gid_t gid = *options.gid;
  uid_t keep = uid;
  struct stat st;
  if (::stat(queue_tmp.c_str(), &st) == 0 && st.st_uid != 0) keep = st.st_uid;
  if (::setgroups(1, &gid) != 0 || ::setresgid(gid, gid, gid) != 0)
    return MakeError("unable to switch to gid " + std::to_string(gid) + ": " + std::strerror(errno));
  if (::setresuid(uid, keep, keep) != 0)
    return MakeError("unable to switch to uid " + std::to_string(uid) + ": " + std::strerror(errno));
  uid_t r, e, s;
  gid_t gr, ge, gs;
  if (::getresuid(&r, &e, &s) != 0 || r != uid || e != keep || s != keep || ::getresgid(&gr, &ge, &gs) != 0 ||
      gr != gid || ge != gid || gs != gid)
    return MakeError("the user switch did not take");
  return Ok{};
}

}  // namespace ms::smtpd
