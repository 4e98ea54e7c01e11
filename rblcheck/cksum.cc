#include "rblcheck/cksum.h"

#include <array>
#include <string>


namespace ms::rbl {

namespace {

// Slicing-by-4 tables for the MSB-first CRC-32 (polynomial 0x04C11DB7).
struct CrcTables {
  std::array<std::array<uint32_t, 256>, 4> t{};
  CrcTables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i << 24;
      for (int k = 0; k < 8; ++k) c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t s = 1; s < 4; ++s) t[s][i] = (t[s - 1][i] << 8) ^ t[0][t[s - 1][i] >> 24];
    }
  }
};

const CrcTables& Tables() {
  static const CrcTables tables;
  return tables;
}

uint32_t Update(uint32_t crc, const unsigned char* p, size_t n) {
  const auto& t = Tables().t;
  while (n >= 4) {
    crc ^= (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    crc = t[3][crc >> 24] ^ t[2][(crc >> 16) & 255] ^ t[1][(crc >> 8) & 255] ^ t[0][crc & 255];
    p += 4;
    n -= 4;
  }
  while (n--) crc = (crc << 8) ^ t[0][((crc >> 24) ^ *p++) & 255];
  return crc;
}

}  // namespace

uint32_t PosixCksum(std::string_view data) {
  uint32_t crc = Update(0, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  for (uint64_t n = data.size(); n; n >>= 8) {
    unsigned char byte = static_cast<unsigned char>(n & 255);
    crc = Update(crc, &byte, 1);
  }
  return ~crc;
}

Result<TrailerState> VerifyCksumTrailer(std::string_view file, std::string_view* body) {
  *body = file;
  std::string_view rest = file;
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  size_t start = rest.rfind('\n');
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view last = rest.substr(start);
  size_t lead = last.find_first_not_of(" \t");
  if (lead == std::string_view::npos || last.substr(lead, 8) != "# CKSUM:") {
    return TrailerState::kAbsent;
  }
  std::string_view fields = last.substr(lead + 8);
  auto skip_blanks = [&]() {
    while (!fields.empty() && (fields.front() == ' ' || fields.front() == '\t')) fields.remove_prefix(1);
  };
  auto number = [&](uint64_t* out) {
    skip_blanks();
    size_t n = 0;
    *out = 0;
    while (n < fields.size() && n < 20 && fields[n] >= '0' && fields[n] <= '9') {
      *out = *out * 10 + static_cast<uint64_t>(fields[n] - '0');
      ++n;
    }
    fields.remove_prefix(n);
    return n > 0;
  };
  uint64_t want_crc = 0, want_bytes = 0;
  bool parsed = number(&want_crc) && number(&want_bytes);
  skip_blanks();
  if (!fields.empty() && fields.back() == '\r') fields.remove_suffix(1);
  if (!parsed || !fields.empty() || want_crc > 0xffffffffu) {
    return MakeError("malformed CKSUM line: " + std::string(last.substr(0, 200)));
  }
  std::string_view data = file.substr(0, start);
  uint32_t crc = PosixCksum(data);
  if (crc != want_crc || data.size() != want_bytes) {
    return MakeError("checksum mismatch: the CKSUM line says " + std::to_string(want_crc) + " " +
                     std::to_string(want_bytes) + ", the data is " + std::to_string(crc) + " " +
                     std::to_string(data.size()) + " (corrupted or truncated file)");
  }
  *body = data;
  return TrailerState::kValid;
}

}  // namespace ms::rbl
