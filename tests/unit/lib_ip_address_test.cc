#include <catch2/catch.hpp>

#include <netinet/in.h>

#include <string>

#include "ip_address.h"

using ms::IpAddress;
using namespace std::string_literals;

TEST_CASE("IP addresses parse as inet_pton does and print as inet_ntop", "[lib][ip]") {
  auto v4 = IpAddress::Parse("192.0.2.7");
  REQUIRE(v4);
  CHECK_FALSE(v4->v6);
  CHECK(v4->V4Number() == 0xc0000207u);
  CHECK(v4->ToString() == "192.0.2.7");
  auto v6 = IpAddress::Parse("2001:DB8::1");
  REQUIRE(v6);
  CHECK(v6->v6);
  CHECK(v6->ToString() == "2001:db8::1");
  CHECK(v6->V4Number() == 0);
  auto mapped = IpAddress::Parse("::ffff:192.0.2.7");
  REQUIRE(mapped);
  CHECK(mapped->IsV4Mapped());
  CHECK(mapped->Unmapped() == *v4);
  CHECK(v6->Unmapped() == *v6);
  for (std::string bad : {""s, "1.2.3.256"s, "1.2.3"s, "01.2.3.4"s, "1.2.3.4 "s, "1.2.3.4\0x"s,
                          std::string(100, ':'), "::1\0"s, "host.example"s, "[1.2.3.4]"s}) {
    CHECK_FALSE(IpAddress::Parse(bad));
  }
}

TEST_CASE("IP addresses to and from socket addresses", "[lib][ip]") {
  for (const char* text : {"127.0.0.1", "::1", "2001:db8::2:1"}) {
    auto ip = IpAddress::Parse(text);
    REQUIRE(ip);
    sockaddr_storage ss;
    socklen_t len = ip->ToSockaddr(2525, &ss);
    CHECK(len == (ip->v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in)));
    uint16_t port = 0;
    auto back = IpAddress::FromSockaddr(ss, &port);
    REQUIRE(back);
    CHECK(*back == *ip);
    CHECK(port == 2525);
  }
  sockaddr_storage unix_address{};
  unix_address.ss_family = AF_UNIX;
  CHECK_FALSE(IpAddress::FromSockaddr(unix_address));
  CHECK(IpAddress::V4(uint32_t{0x7f000001}).ToString() == "127.0.0.1");
}

TEST_CASE("dotted quads for DNSBL codes and ranges", "[lib][ip]") {
  CHECK(ms::ParseIpv4("127.0.0.2") == 0x7f000002u);
  CHECK(ms::ParseIpv4("127.000.000.002") == 0x7f000002u);  // up to three digits an octet
  CHECK_FALSE(ms::ParseIpv4("127.0.0.0002"));
  CHECK_FALSE(ms::ParseIpv4("127.0.0.256"));
  CHECK_FALSE(ms::ParseIpv4("127.0.0"));
  CHECK_FALSE(ms::ParseIpv4("127.0.0.2."));
  CHECK_FALSE(ms::ParseIpv4(""));
  CHECK(ms::FormatIpv4(0x7f00000b) == "127.0.0.11");
}
