#include "spf.h"

#include <algorithm>

#include "address.h"
#include "spf_macro.h"
#include "spf_record.h"

namespace ms::spf {

namespace {

constexpr int kMaxLookups = 10;    // section 4.6.4
constexpr int kMaxVoidLookups = 2;  // section 4.6.4
constexpr size_t kMaxMxNames = 10;  // section 4.6.4
constexpr size_t kMaxPtrNames = 10;  // section 4.6.4

// A name DNS can carry: labels of 1..63 octets, 253 in all.
bool IsQueryableName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

// Section 4.3: a domain check_host() can work on: queryable, with at
// least two labels, not an address literal or a dotted quad (a HELO of
// "[192.0.2.1]" or "192.0.2.1" has no SPF record to look for).
bool IsCheckableDomain(std::string_view name) {
  if (!IsQueryableName(name) || name.find('.') == std::string_view::npos) return false;
  if (name.find_first_of("[]:") != std::string_view::npos) return false;
  std::string_view top = name.substr(name.rfind('.') + 1);
  return top.find_first_not_of("0123456789") != std::string_view::npos;
}

bool InNetwork(const IpAddress& ip, const IpAddress& network, int prefix) {
  if (ip.v6 != network.v6) return false;
  int bits = ip.v6 ? 128 : 32;
  if (prefix > bits) prefix = bits;
  for (int i = 0; i < prefix; ++i) {
    int byte = i / 8, bit = 7 - i % 8;
    if (((ip.bytes[byte] >> bit) & 1) != ((network.bytes[byte] >> bit) & 1)) return false;
  }
  return true;
}

// Ends the evaluation with temperror or permerror (an exception only
// inside this file: every limit and error unwinds the include chain).
struct Abort {
  Result result;
  std::string problem;
};

class Evaluator {
 public:
  Evaluator(const Request& request, Resolver& resolver, Outcome* outcome)
      : request_(request), resolver_(resolver), outcome_(outcome) {
    ip_ = request.ip.Unmapped();
  }

  void SetIdentity(const std::string& sender, const std::string& local, const std::string& domain) {
    values_.sender = sender;
    values_.local_part = local;
    values_.sender_domain = domain;
    values_.ip = ip_;
    values_.helo = request_.helo;
    values_.receiver = request_.receiver;
    values_.now = request_.now;
    values_.validated_name = [this] { return ValidatedName(); };
  }

  // check_host(): the result for domain; top is false inside include.
  Result CheckHost(const std::string& domain, bool top, std::string* mechanism) {
    if (!IsCheckableDomain(domain)) {
      if (top) outcome_->problem = "malformed domain '" + domain.substr(0, 100) + "'";
      return Result::kNone;
    }
    Answer txt = Query(domain, dns::Type::kTxt, true);
    std::vector<std::string> records;
    for (const std::string& t : txt.texts)
      if (IsSpfRecordText(t)) records.push_back(t);
    if (records.empty()) {
      if (top) outcome_->problem = "no SPF record at " + domain;
      return Result::kNone;
    }
    if (records.size() > 1) throw Abort{Result::kPermError, "more than one SPF record at " + domain};
    Record record;
    std::string error;
    if (!ParseRecord(records[0], &record, &error)) throw Abort{Result::kPermError, error + " (record at " + domain + ")"};

    for (const Mechanism& m : record.mechanisms) {
      if (Matches(m, domain)) {
        *mechanism = m.text;
        Result r = QualifierResult(m.qualifier);
        if (r == Result::kFail && top && record.has_exp) outcome_->explanation = Explanation(record.exp, domain);
        return r;
      }
    }
    if (record.has_redirect) {
      CountLookup();
      std::string target = ExpandDomain(record.redirect, domain);
      Result r = CheckHost(target, top, mechanism);
      if (r == Result::kNone) throw Abort{Result::kPermError, "redirect to " + target + ", which has no SPF record"};
      return r;
    }
    mechanism->clear();
    return Result::kNeutral;
  }

 private:
  static Result QualifierResult(Qualifier q) {
    switch (q) {
      case Qualifier::kPass: return Result::kPass;
      case Qualifier::kFail: return Result::kFail;
      case Qualifier::kSoftFail: return Result::kSoftFail;
      case Qualifier::kNeutral: return Result::kNeutral;
    }
    return Result::kNeutral;
  }

  void CountLookup() {
    if (++outcome_->lookups > kMaxLookups) throw Abort{Result::kPermError, "more than 10 DNS-querying terms"};
  }

  // One query of the evaluation.  A temporary failure ends it with
  // temperror; NXDOMAIN or no records is a void lookup when count_void.
  // A name DNS cannot carry is answered "no records" without a query.
  Answer Query(const std::string& name, dns::Type type, bool count_void) {
    Answer a;
    if (!IsQueryableName(name)) {
      a.status = dns::Status::kNotFound;
      return a;
    }
    a = resolver_.Query(name, type);
    if (a.status == dns::Status::kTemporary)
      throw Abort{Result::kTempError, "DNS failure looking up " + name + (a.error.empty() ? "" : ": " + a.error)};
    bool empty = a.status == dns::Status::kNotFound ||
                 (a.texts.empty() && a.addresses.empty() && a.names.empty());
    if (empty && count_void && ++outcome_->void_lookups > kMaxVoidLookups)
      throw Abort{Result::kPermError, "more than 2 void DNS lookups"};
    return a;
  }

  std::string ExpandDomain(const std::string& spec, const std::string& current) {
    if (spec.empty()) return current;
    values_.domain = current;
    std::string out, error;
    if (!ExpandMacroString(spec, MacroUse::kDomainSpec, values_, &out, &error))
      throw Abort{Result::kPermError, error};
    out = TruncateDomain(std::move(out));
    if (out.empty()) throw Abort{Result::kPermError, "domain-spec '" + spec.substr(0, 100) + "' expands to nothing"};
    return out;
  }

  dns::Type AddressType() const { return ip_.v6 ? dns::Type::kAaaa : dns::Type::kA; }

  bool AnyInNetwork(const std::vector<IpAddress>& addresses, const Mechanism& m) const {
    int prefix = ip_.v6 ? m.cidr6 : m.cidr4;
    for (const IpAddress& a : addresses)
      if (InNetwork(ip_, a, prefix)) return true;
    return false;
  }

  bool Matches(const Mechanism& m, const std::string& domain) {
    switch (m.kind) {
      case MechanismKind::kAll: return true;
      case MechanismKind::kIp4: return !ip_.v6 && InNetwork(ip_, m.network, m.cidr4);
      case MechanismKind::kIp6: return ip_.v6 && InNetwork(ip_, m.network, m.cidr6);
      case MechanismKind::kInclude: {
        CountLookup();
        std::string target = ExpandDomain(m.domain_spec, domain);
        std::string inner;
        Result r = CheckHost(target, false, &inner);
        switch (r) {
          case Result::kPass: return true;
          case Result::kFail: case Result::kSoftFail: case Result::kNeutral: return false;
          case Result::kTempError: throw Abort{Result::kTempError, "include:" + target};
          case Result::kPermError: throw Abort{Result::kPermError, "include:" + target};
          case Result::kNone: throw Abort{Result::kPermError, "include:" + target + " has no SPF record"};
        }
        return false;
      }
      case MechanismKind::kA: {
        CountLookup();
        std::string target = ExpandDomain(m.domain_spec, domain);
        return AnyInNetwork(Query(target, AddressType(), true).addresses, m);
      }
      case MechanismKind::kMx: {
        CountLookup();
        std::string target = ExpandDomain(m.domain_spec, domain);
        Answer mx = Query(target, dns::Type::kMx, true);
        if (mx.names.size() > kMaxMxNames) throw Abort{Result::kPermError, "more than 10 MX names at " + target};
        // Every name's addresses first, then the match (as pyspf: the
        // same lookups, so the same void count, whichever name matches).
        std::vector<IpAddress> addresses;
        for (const std::string& name : mx.names) {
          if (name.empty()) continue;  // null MX (RFC 7505)
          for (const IpAddress& a : Query(name, AddressType(), true).addresses) addresses.push_back(a);
        }
        return AnyInNetwork(addresses, m);
      }
      case MechanismKind::kPtr: {
        CountLookup();
        std::string target = LowerCase(ExpandDomain(m.domain_spec, domain));
        for (const std::string& name : ValidatedNames()) {  // looked up again for each ptr term
          std::string n = LowerCase(name);
          if (n == target || (n.size() > target.size() && n.compare(n.size() - target.size(), target.size(), target) == 0 &&
                              n[n.size() - target.size() - 1] == '.'))
            return true;
        }
        return false;
      }
      case MechanismKind::kExists: {
        CountLookup();
        std::string target = ExpandDomain(m.domain_spec, domain);
        return !Query(target, dns::Type::kA, true).addresses.empty();
      }
    }
    return false;
  }

  // Section 5.5: the client's PTR names (the first 10) whose addresses
  // include it.  A DNS failure on the PTR lookup means no names, on a
  // name's address lookup that name is skipped (not temperror).
  std::vector<std::string> ValidatedNames() {
    std::vector<std::string> validated;
    std::string reverse = DottedIp(ip_);
    std::string ptr_name;
    for (size_t end = reverse.size(); end > 0;) {
      size_t dot = reverse.rfind('.', end - 1);
      size_t start = dot == std::string::npos ? 0 : dot + 1;
      ptr_name += reverse.substr(start, end - start);
      ptr_name += '.';
      if (dot == std::string::npos) break;
      end = dot;
    }
    ptr_name += ip_.v6 ? "ip6.arpa" : "in-addr.arpa";
    std::vector<std::string> names;
    try {
      names = Query(ptr_name, dns::Type::kPtr, true).names;
    } catch (const Abort& a) {
      if (a.result != Result::kTempError) throw;
      return validated;
    }
    if (names.size() > kMaxPtrNames) names.resize(kMaxPtrNames);
    for (const std::string& name : names) {
      try {
        for (const IpAddress& a : Query(name, AddressType(), true).addresses) {
          if (a == ip_) {
            validated.push_back(name);
            break;
          }
        }
      } catch (const Abort& a) {
        if (a.result != Result::kTempError) throw;
      }
    }
    return validated;
  }

  // %{p} (section 7.3): the current domain if validated, else a
  // validated subdomain of it, else any validated name, else "unknown".
  std::string ValidatedName() {
    if (!p_names_done_) {  // once per evaluation
      p_names_ = ValidatedNames();
      p_names_done_ = true;
    }
    const std::vector<std::string>& names = p_names_;
    std::string d = LowerCase(values_.domain);
    for (const std::string& n : names)
      if (LowerCase(n) == d) return n;
    for (const std::string& n : names) {
      std::string l = LowerCase(n);
      if (l.size() > d.size() + 1 && l.compare(l.size() - d.size(), d.size(), d) == 0 && l[l.size() - d.size() - 1] == '.')
        return n;
    }
    return names.empty() ? std::string("unknown") : names[0];
  }

  // Section 6.2: the exp= TXT text expanded; any problem means no text.
  std::string Explanation(const std::string& spec, const std::string& domain) {
    try {
      std::string target = ExpandDomain(spec, domain);
      if (!IsQueryableName(target)) return std::string();
      Answer a = resolver_.Query(target, dns::Type::kTxt);
      if (a.status != dns::Status::kFound || a.texts.size() != 1) return std::string();
      values_.domain = domain;
      std::string out, error;
      if (!ExpandMacroString(a.texts[0], MacroUse::kExplanation, values_, &out, &error)) return std::string();
      // Printable text only: it goes into an SMTP reply.
      for (char c : out)
        if (c < 0x20 || c > 0x7e) return std::string();
      if (out.size() > 400) out.resize(400);
      return out;
    } catch (const Abort&) {
      return std::string();
    }
  }

  const Request& request_;
  Resolver& resolver_;
  Outcome* outcome_;
  IpAddress ip_;
  MacroValues values_;
  bool p_names_done_ = false;
  std::vector<std::string> p_names_;
};

}  // namespace

std::string_view ResultName(Result result) {
  switch (result) {
    case Result::kNone: return "none";
    case Result::kNeutral: return "neutral";
    case Result::kPass: return "pass";
    case Result::kFail: return "fail";
    case Result::kSoftFail: return "softfail";
    case Result::kTempError: return "temperror";
    case Result::kPermError: return "permerror";
  }
  return "none";
}

Outcome Check(const Request& request, Resolver& resolver) {
  Outcome outcome;
  std::string local, domain;
  if (request.sender.empty()) {
    outcome.identity = "helo";
    local = "postmaster";
    domain = request.helo;
  } else {
    outcome.identity = "mailfrom";
    size_t at = request.sender.rfind('@');
    if (at == std::string::npos) {
      local = request.sender;
      domain = request.helo;
    } else {
      local = request.sender.substr(0, at);
      domain = request.sender.substr(at + 1);
    }
    if (local.empty()) local = "postmaster";
  }
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  outcome.checked = local + "@" + domain;
  outcome.domain = domain;
  Evaluator evaluator(request, resolver, &outcome);
  evaluator.SetIdentity(outcome.checked, local, domain);
  try {
    outcome.result = evaluator.CheckHost(domain, true, &outcome.mechanism);
  } catch (const Abort& a) {
    outcome.result = a.result;
    outcome.problem = a.problem;
    outcome.mechanism.clear();
  }
  return outcome;
}

}  // namespace ms::spf
