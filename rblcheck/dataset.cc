#include "rblcheck/dataset.h"

#include <algorithm>

#include "fd.h"
#include "rblcheck/cksum.h"
#include "rblcheck/dnsbl_name.h"
#include "text.h"

namespace ms::rbl {

namespace {

// More table entries than this is hostile input, not a DNSBL.
constexpr size_t kMaxEntries = size_t{64} << 20;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// "a[.b[.c[.d]]]": the octets given (1..4) and their count.
bool ParseOctets(std::string_view text, uint32_t octets[4], int* count) {
  int n = 0;
  size_t pos = 0;
  while (true) {
    if (n == 4) return false;
    size_t start = pos;
    uint32_t v = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      v = v * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
    }
    if (pos == start || v > 255) return false;
    octets[n++] = v;
    if (pos == text.size()) break;
    if (text[pos] != '.') return false;
    ++pos;
  }
  *count = n;
  return true;
}

uint32_t Pack(const uint32_t octets[4], int count, uint32_t fill) {
  uint32_t ip = 0;
  for (int i = 0; i < 4; ++i) ip = (ip << 8) | (i < count ? octets[i] : fill);
  return ip;
}

uint32_t MaskOf(int bits) { return bits == 0 ? 0 : ~uint32_t{0} << (32 - bits); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string CanonicalDomain(std::string_view s) {
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return Lower(s);
}

}  // namespace

Result<DatasetType> Dataset::ParseType(std::string_view name) {
  if (name == "ip4set") return DatasetType::kIp4Set;
  if (name == "ip4trie") return DatasetType::kIp4Trie;
  if (name == "ip4tset") return DatasetType::kIp4Tset;
  if (name == "dnset") return DatasetType::kDnSet;
  return MakeError("unknown dataset type " + std::string(name) +
                   " (want ip4set, ip4trie, ip4tset or dnset)");
}

Result<Dataset> Dataset::Load(std::string_view spec, bool require_cksum) {
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return MakeError("dataset " + std::string(spec) + ": want type:file[,file...]");
  }
  auto type = ParseType(spec.substr(0, colon));
  if (!type) return type.error();
  Dataset set(*type);
  std::string_view files = spec.substr(colon + 1);
  while (true) {
    size_t comma = files.find(',');
    std::string file(files.substr(0, comma));
    auto text = ReadFile(file);
    if (!text) return MakeError(text.error().message);
    std::string_view body;
    auto trailer = VerifyCksumTrailer(*text, &body);
    if (!trailer) return MakeError(file + ": " + trailer.error().message + "; refusing it");
    if (require_cksum && *trailer == TrailerState::kAbsent) {
      return MakeError(file + ": no \"# CKSUM:\" last line (truncated download?); refusing it");
    }
    auto added = set.AddText(body);
    if (!added) return MakeError(file + ": " + added.error().message);
    if (comma == std::string_view::npos) break;
    files.remove_prefix(comma + 1);
  }
  set.Finish();
  return set;
}

Status Dataset::AddText(std::string_view text) {
  default_ = Value{};
  default_index_ = kExcluded;
  if (is_ip4()) {
    // Big lists are mostly single addresses: one allocation, no regrowth.
    auto& singles = by_bits_[32];
    singles.reserve(singles.size() + static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  }
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ParseLine(line);
    if (entries_ > kMaxEntries) return MakeError("more than 64 M table entries; refusing it");
  }
  return Ok{};
}

void Dataset::Bad(std::string_view line) {
  if (!bad_lines_++) first_bad_ = std::string(line.substr(0, 200));
}

uint32_t Dataset::AddValue(const Value& v) {
  values_.push_back(v);
  return static_cast<uint32_t>(values_.size() - 1);
}

// "$n text", "$= text"; other specials ($SOA, $NS, $TTL, ...) concern
// serving, not listing, and are ignored.
bool Dataset::ParseSpecial(std::string_view line) {
  if (line.size() >= 2 && (line[0] == '#' || line[0] == ';' || line[0] == ':') && line[1] == '$') {
    line.remove_prefix(1);
  }
  if (line.empty() || line[0] != '$') return false;
  line.remove_prefix(1);
  if (line.size() >= 1 && line[0] >= '0' && line[0] <= '9' && (line.size() == 1 || IsBlank(line[1]))) {
    vars_[static_cast<size_t>(line[0] - '0')] = std::string(TrimLeft(line.substr(1)));
  } else if (!line.empty() && line[0] == '=') {
    base_template_ = std::string(TrimLeft(line.substr(1)));
    has_base_ = true;
  }
  return true;
}

// An A value "127.0.0.2", or its last octets ("2", "0.2"), 127.0.0.0 filled in.
static bool ParseAValue(std::string_view text, uint32_t* out) {
  uint32_t octets[4];
  int count = 0;
  if (!ParseOctets(text, octets, &count)) return false;
  uint32_t ip = 0x7f000000u;
  for (int i = 0; i < count; ++i) {
    int shift = 8 * (count - 1 - i);
    ip = (ip & ~(uint32_t{255} << shift)) | (octets[i] << shift);
  }
  *out = ip;
  return true;
}

// ":A:TXT", ":A" (inherit's TXT), ":A:" (no TXT); an empty A keeps inherit's.
bool Dataset::ParseValue(std::string_view text, const Value& inherit, Value* out) {
  *out = inherit;
  text.remove_prefix(1);
  size_t colon = text.find(':');
  std::string_view a = TrimRight(text.substr(0, colon), " \t\r");
  if (!a.empty() && !ParseAValue(a, &out->a)) return false;
  if (colon == std::string_view::npos) return true;
  std::string_view txt = text.substr(colon + 1);
  if (txt.empty()) {
    out->txt = -1;
  } else {
    templates_.emplace_back(txt);
    out->txt = static_cast<int32_t>(templates_.size() - 1);
  }
  return true;
}

void Dataset::ParseLine(std::string_view raw) {
  std::string_view line = TrimRight(raw, " \t\r");
  if (line.empty()) return;
  if (ParseSpecial(line)) return;
  if (line[0] == '#' || line[0] == ';') return;
  if (line[0] == ':') {
    // ":A:TXT" or ":A": the default for the rest of this file.
    Value v;
    if (!ParseValue(line, Value{}, &v)) return Bad(raw);
    default_ = v;
    default_index_ = kExcluded;
    return;
  }
  bool excluded = line[0] == '!';
  if (excluded) line.remove_prefix(1);
  line = TrimLeft(line);
  size_t end = 0;
  while (end < line.size() && !IsBlank(line[end]) && (type_ == DatasetType::kDnSet || line[end] != ':')) {
    ++end;
  }
  std::string_view subject = line.substr(0, end);
  std::string_view rest = TrimLeft(line.substr(end));
  uint32_t value;
  if (excluded) {
    value = kExcluded;
  } else if (rest.empty() || rest[0] == '#' || rest[0] == ';' || type_ == DatasetType::kIp4Tset) {
    if (default_index_ == kExcluded) default_index_ = AddValue(default_);
    value = default_index_;
  } else if (rest[0] == ':') {
    Value v;
    if (!ParseValue(rest, default_, &v)) return Bad(raw);
    value = AddValue(v);
  } else {
    Value v = default_;
    templates_.emplace_back(rest);
    v.txt = static_cast<int32_t>(templates_.size() - 1);
    value = AddValue(v);
  }
  bool ok = type_ == DatasetType::kDnSet ? AddDomain(subject, value) : AddIp4(subject, value);
  if (!ok) Bad(raw);
}

void Dataset::AddBlock(int bits, uint32_t net, uint32_t value) {
  by_bits_[static_cast<size_t>(bits)].push_back(Entry{net & MaskOf(bits), value});
  ++entries_;
}

bool Dataset::AddIp4(std::string_view address, uint32_t value) {
  size_t dash = address.find('-');
  size_t slash = address.find('/');
  uint32_t first[4];
  int n_first = 0;
  if (!ParseOctets(address.substr(0, std::min(dash, slash)), first, &n_first)) return false;
  if (type_ == DatasetType::kIp4Tset) {
    if (n_first != 4 || dash != std::string_view::npos || slash != std::string_view::npos) return false;
    AddBlock(32, Pack(first, 4, 0), value);
    return true;
  }
  uint32_t low = Pack(first, n_first, 0);
  uint32_t high;
  if (slash != std::string_view::npos) {
    if (dash != std::string_view::npos) return false;
    std::string_view bits_text = address.substr(slash + 1);
    if (bits_text.empty() || bits_text.size() > 2) return false;
    int bits = 0;
    for (char c : bits_text) {
      if (c < '0' || c > '9') return false;
      bits = bits * 10 + (c - '0');
    }
    if (bits < 1 || bits > 32) return false;
    if (type_ == DatasetType::kIp4Trie) {
      AddBlock(bits, low, value);
      return true;
    }
    low &= MaskOf(bits);
    high = low | ~MaskOf(bits);
  } else if (dash == std::string_view::npos) {
    if (type_ == DatasetType::kIp4Trie) {
      AddBlock(8 * n_first, low, value);
      return true;
    }
    high = Pack(first, n_first, 255);
  } else {
    if (type_ == DatasetType::kIp4Trie) return false;  // CIDR only
    uint32_t second[4];
    int n_second = 0;
    if (!ParseOctets(address.substr(dash + 1), second, &n_second)) return false;
    if (n_second < n_first && n_second == 1) {
      // "127.16-31": the suffix replaces the first boundary's last octet.
      uint32_t merged[4] = {first[0], first[1], first[2], first[3]};
      merged[n_first - 1] = second[0];
      high = Pack(merged, n_first, 255);
    } else {
      high = Pack(second, n_second, 255);
    }
  }
  if (high < low) return false;
  // ip4set keeps octet-aligned blocks (/8, /16, /24, /32) as rbldnsd does;
  // the most specific block that matches decides.
  uint64_t lo = low;
  while (lo <= high && entries_ <= kMaxEntries) {
    int block = 32;
    for (int bits : {8, 16, 24}) {
      uint64_t size = uint64_t{1} << (32 - bits);
      if (lo % size == 0 && lo + size - 1 <= high) {
        block = bits;
        break;
      }
    }
    AddBlock(block, static_cast<uint32_t>(lo), value);
    lo += uint64_t{1} << (32 - block);
  }
  return true;
}

bool Dataset::AddDomain(std::string_view name, uint32_t value) {
  bool wildcard_only = false, both = false;
  if (name.substr(0, 2) == "*.") {
    wildcard_only = true;
    name.remove_prefix(2);
  } else if (!name.empty() && name[0] == '.') {
    both = true;
    name.remove_prefix(1);
  }
  std::string key = CanonicalDomain(name);
  if (key.empty() || key.size() > 253) return false;
  if (!wildcard_only) exact_.try_emplace(key, value);
  if (wildcard_only || both) wildcard_.try_emplace(key, value);
  ++entries_;
  return true;
}

// Stable LSD radix sort by network (two 16-bit passes): O(n), and equal
// networks keep file order (exclusions and first values stay meaningful).
static void SortByNetwork(std::vector<Dataset::Entry>* table) {
  if (std::is_sorted(table->begin(), table->end(),
                     [](const Dataset::Entry& x, const Dataset::Entry& y) { return x.net < y.net; })) {
    return;
  }
  if (table->size() < 65536) {  // the radix passes' counters would cost more
    std::stable_sort(table->begin(), table->end(),
                     [](const Dataset::Entry& x, const Dataset::Entry& y) { return x.net < y.net; });
    return;
  }
  std::vector<Dataset::Entry> buffer(table->size());
  for (int shift : {0, 16}) {
    std::vector<size_t> start(65537, 0);
    for (const auto& e : *table) ++start[((e.net >> shift) & 0xffff) + 1];
    for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    for (const auto& e : *table) buffer[start[(e.net >> shift) & 0xffff]++] = e;
    table->swap(buffer);
  }
}

void Dataset::Finish() {
  for (auto& table : by_bits_) SortByNetwork(&table);
}

std::string Dataset::Expand(std::string_view tmpl, std::string_view subject) const {
  std::string body(tmpl);
  std::string_view outer = body;
  std::string base;
  if (!tmpl.empty() && tmpl[0] == '=') {
    outer = std::string_view(body).substr(1);
  } else if (has_base_) {
    base = base_template_;
    outer = base;
  }
  std::string out;
  for (size_t i = 0; i < outer.size(); ++i) {
    char c = outer[i];
    if (c != '$' || i + 1 >= outer.size()) {
      if (c == '$') out += subject;
      else out.push_back(c);
      continue;
    }
    char next = outer[i + 1];
    if (next == '$') {
      out.push_back('$');
      ++i;
    } else if (next >= '0' && next <= '9') {
      out += vars_[static_cast<size_t>(next - '0')];
      ++i;
    } else if (next == '=' && !base.empty()) {
      out += Expand("=" + body, subject);
      ++i;
    } else {
      out += subject;
    }
  }
  return out;
}

Listing Dataset::MakeListing(uint32_t value, std::string_view subject) const {
  Listing l;
  if (value & kExcluded) return l;
  const Value& v = values_[value];
  l.listed = true;
  l.a = v.a;
  if (v.txt >= 0) {
    l.has_txt = true;
    l.txt = Expand(templates_[static_cast<size_t>(v.txt)], subject);
  }
  return l;
}

Listing Dataset::LookupIp4(uint32_t ip) const {
  static constexpr int kSetLevels[] = {32, 24, 16, 8};
  auto probe = [&](int bits, Listing* out) {
    const auto& table = by_bits_[static_cast<size_t>(bits)];
    uint32_t key = ip & MaskOf(bits);
    auto it = std::lower_bound(table.begin(), table.end(), key,
                               [](const Entry& e, uint32_t k) { return e.net < k; });
    if (it == table.end() || it->net != key) return false;
    uint32_t value = it->value;
    for (auto jt = it; jt != table.end() && jt->net == key; ++jt) {
      if (jt->value & kExcluded) value = kExcluded;
    }
    *out = MakeListing(value, FormatIpv4(ip));
    return true;
  };
  Listing out;
  if (type_ == DatasetType::kIp4Trie) {
    for (int bits = 32; bits >= 1; --bits) {
      if (probe(bits, &out)) return out;
    }
    return out;
  }
  for (int bits : kSetLevels) {
    if (probe(bits, &out)) return out;
  }
  return out;
}

Listing Dataset::LookupDomain(std::string_view name) const {
  std::string key = CanonicalDomain(name);
  if (auto it = exact_.find(key); it != exact_.end()) return MakeListing(it->second, key);
  std::string_view parent = key;
  while (true) {
    size_t dot = parent.find('.');
    if (dot == std::string_view::npos) break;
    parent.remove_prefix(dot + 1);
    if (auto it = wildcard_.find(std::string(parent)); it != wildcard_.end()) {
      return MakeListing(it->second, parent);  // rbldnsd's "$": the listed entry
    }
  }
  return Listing{};
}

}  // namespace ms::rbl
