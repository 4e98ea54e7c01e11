#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "fd.h"
#include "fd_passing.h"
#include "tcpserver/filter_pool_start.h"

using ms::smtpd::FindAccount;

TEST_CASE("FindAccount reads msfilter's ids from passwd text", "[filterpool]") {
  auto ids = FindAccount("root:x:0:0:root:/root:/bin/bash\nmsfilter:x:992:990::/nonexistent:/usr/sbin/nologin\n",
                         "msfilter");
  REQUIRE(ids);
  CHECK(ids->uid == 992);
  CHECK(ids->gid == 990);
}

TEST_CASE("FindAccount refuses what is not a plain account line", "[filterpool]") {
  CHECK_FALSE(FindAccount("", "msfilter"));
  CHECK_FALSE(FindAccount("msfilterx:x:5:5::/:/bin/sh\n", "msfilter"));  // a longer name
  CHECK_FALSE(FindAccount("xmsfilter:x:5:5::/:/bin/sh\n", "msfilter"));
  CHECK_FALSE(FindAccount("msfilter:x:0:5::/:/bin/sh\n", "msfilter"));  // never root's ids
  CHECK_FALSE(FindAccount("msfilter:x:5:0::/:/bin/sh\n", "msfilter"));
  CHECK_FALSE(FindAccount("msfilter:x:-5:5::/:/bin/sh\n", "msfilter"));
  CHECK_FALSE(FindAccount("msfilter:x: 5:5::/:/bin/sh\n", "msfilter"));
  CHECK_FALSE(FindAccount("msfilter:x:99999999999:5::/:/bin/sh\n", "msfilter"));
  CHECK_FALSE(FindAccount("msfilter:x:5", "msfilter"));  // cut short
  CHECK_FALSE(FindAccount(std::string_view("msfilter\0:x:5:5::/:/bin/sh\n", 27), "msfilter"));
  // the first line that names it decides, as getpwnam's files service
  auto ids = FindAccount("msfilter:x:7:8::/:/bin/sh\nmsfilter:x:9:9::/:/bin/sh\n", "msfilter");
  REQUIRE(ids);
  CHECK(ids->uid == 7);
}

TEST_CASE("three descriptors travel in one packet, and a packet with fewer is refused", "[filterpool]") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
  ms::UniqueFd a(sv[0]), b(sv[1]);
  int fds[4] = {0, 1, 2, -1};  // a fourth that is no descriptor
  REQUIRE(ms::SendFdArray(a.get(), "Q127.0.0.1", fds, 3).ok());
  std::string data;
  ms::UniqueFd got[3];
  bool eof = true;
  REQUIRE(ms::ReceiveFdArray(b.get(), 64, &data, got, 3, &eof));
  CHECK(data == "Q127.0.0.1");
  CHECK(!eof);
  for (auto& fd : got) CHECK(fd.valid());
  REQUIRE(ms::SendFdArray(a.get(), "Q", fds, 2).ok());
  ms::UniqueFd got2[3];
  CHECK_FALSE(ms::ReceiveFdArray(b.get(), 64, &data, got2, 3, &eof));
  CHECK_FALSE(ms::SendFdArray(a.get(), "Q", fds, 4).ok());
}

TEST_CASE("a message with the session's queue helper carries four; ReceiveFdsUpTo takes 0 to max", "[filterpool]") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
  ms::UniqueFd a(sv[0]), b(sv[1]);
  int fds[5] = {0, 1, 2, 0, 1};
  std::string data;
  bool eof = true;
  size_t got = 99;
  for (size_t count : {4u, 3u, 1u}) {
    REQUIRE(ms::SendFdArray(a.get(), "Q", fds, count).ok());
    ms::UniqueFd in[4];
    REQUIRE(ms::ReceiveFdsUpTo(b.get(), 64, &data, in, 4, &got, &eof));
    CHECK(got == count);
    for (size_t i = 0; i < 4; ++i) CHECK(in[i].valid() == (i < count));
  }
  // a packet with none is fine too: got 0
  REQUIRE(::send(a.get(), "S", 1, 0) == 1);
  ms::UniqueFd in[2];
  REQUIRE(ms::ReceiveFdsUpTo(b.get(), 64, &data, in, 2, &got, &eof));
  CHECK(got == 0);
  // more than asked for: refused, and the extras are closed
  REQUIRE(ms::SendFdArray(a.get(), "S", fds, 3).ok());
  CHECK_FALSE(ms::ReceiveFdsUpTo(b.get(), 64, &data, in, 2, &got, &eof));
  CHECK(!eof);
  CHECK_FALSE(ms::SendFdArray(a.get(), "Q", fds, 5).ok());
  a.reset();
  CHECK_FALSE(ms::ReceiveFdsUpTo(b.get(), 64, &data, in, 2, &got, &eof));
  CHECK(eof);
}
