// Local DNSBL data in rbldnsd's formats (man rbldnsd: ip4set, ip4trie,
// ip4tset, dnset), answering as rbldnsd would: the A value and TXT text
// of the entry that lists an address or domain.  See README.md for the
// exact rules kept.
#ifndef MAILSUITE_RBLCHECK_DATASET_H_
#define MAILSUITE_RBLCHECK_DATASET_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "result.h"

namespace ms::rbl {

enum class DatasetType { kIp4Set, kIp4Trie, kIp4Tset, kDnSet };

struct Listing {
  bool listed = false;
  uint32_t a = 0;
  bool has_txt = false;
  std::string txt;  // the TXT template expanded for the subject
};

class Dataset {
 public:
  explicit Dataset(DatasetType type) : type_(type) {}

  // "ip4set:file[,file...]": reads, checks each file's CKSUM trailer
  // (required when require_cksum), parses.
  static Result<Dataset> Load(std::string_view spec, bool require_cksum);
  static Result<DatasetType> ParseType(std::string_view name);

  // Adds one file's text (trailer already removed); bad lines are counted
  // in bad_lines() and skipped, as rbldnsd does.
  Status AddText(std::string_view text);
  // Sorts the tables; required before lookups.
  void Finish();

  DatasetType type() const { return type_; }
  bool is_ip4() const { return type_ != DatasetType::kDnSet; }
  size_t entries() const { return entries_; }
  size_t bad_lines() const { return bad_lines_; }
  const std::string& first_bad_line() const { return first_bad_; }

  Listing LookupIp4(uint32_t ip) const;
  Listing LookupDomain(std::string_view name) const;

 public:
  struct Entry {
    uint32_t net;
    uint32_t value;  // index into values_, top bit: exclusion
  };

 private:
  struct Value {
    uint32_t a = 0x7f000002;
    int32_t txt = -1;  // index into templates_, -1: no TXT
  };
  static constexpr uint32_t kExcluded = 0x80000000u;

  void ParseLine(std::string_view line);
  bool ParseSpecial(std::string_view line);
  bool ParseValue(std::string_view text, const Value& inherit, Value* out);
  uint32_t AddValue(const Value& v);
  bool AddIp4(std::string_view address, uint32_t value);
  void AddBlock(int bits, uint32_t net, uint32_t value);
  bool AddDomain(std::string_view name, uint32_t value);
  Listing MakeListing(uint32_t value, std::string_view subject) const;
  std::string Expand(std::string_view tmpl, std::string_view subject) const;
  void Bad(std::string_view line);

  DatasetType type_;
  std::array<std::vector<Entry>, 33> by_bits_;  // ip4 tables by prefix length
  std::unordered_map<std::string, uint32_t> exact_, wildcard_;  // dnset
  std::vector<Value> values_;
  std::vector<std::string> templates_;
  std::array<std::string, 10> vars_;
  std::string base_template_;
  bool has_base_ = false;
  Value default_;           // current file's default (":A:TXT" line)
  uint32_t default_index_ = kExcluded;  // values_ index of default_, once used
  size_t entries_ = 0;
  size_t bad_lines_ = 0;
  std::string first_bad_;
};

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_DATASET_H_
