// rblsmtpd's options and its decision rules (ucspi-tcp 0.88, Debian):
// zones are consulted in option order until one decides, and each zone
// uses the -b/-B and -c/-C flags in force where it appears on the
// command line (the reference looks each zone up while parsing options).
#ifndef MAILSUITE_RBLCHECK_RBL_POLICY_H_
#define MAILSUITE_RBLCHECK_RBL_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::rbl {

enum class ZoneKind {
  kTxtList,    // -r zone: listed when the TXT text is not empty
  kRangeList,  // -r zone:lo-hi: listed when an A record is within lo..hi
  kAntiList,   // -a zone: anti-listed (accept) when it has an A record
};

struct ZoneOption {
  ZoneKind kind = ZoneKind::kTxtList;
  std::string zone;
  uint32_t low = 0, high = 0;  // kRangeList only
  bool bounce = false;         // -b in force: 553 instead of 451
  bool fail_closed = false;    // -c in force
};

// "zone" or "zone:127.0.0.2-127.0.0.11" or "zone:127.0.0.2".
Result<ZoneOption> ParseListZone(std::string_view arg);

struct Options {
  std::vector<ZoneOption> zones;
  unsigned long timeout = 60;  // seconds of limited SMTP dialogue; 0: reply at once
  int prog_index = 0;          // argv index of the program to run
};

// getopt "bBcCt:r:a:" as djb's sgetopt; Error (exit 100) means usage.
Result<Options> ParseOptions(int argc, char** argv);

// djb's scan_ulong: the leading decimal digits, 0 when none.
unsigned long ScanUlong(std::string_view text);

enum class Decision { kUndecided = 0, kAccept = 1, kReject = 2, kBounce = 3 };

struct Verdict {
  Decision decision = Decision::kUndecided;
  std::string text;              // reason when kReject or kBounce
  bool must_not_bounce = false;  // a lookup failed temporarily before the decision
};

// $RBLSMTPD: nullptr unset, "" accept, "-text" bounce (553), else reject (451).
Verdict VerdictFromEnvironment(const char* rblsmtpd);

struct ZoneOutcome {
  bool temporary_failure = false;
  bool listed = false;  // listed (-r) or anti-listed (-a)
  std::string text;     // TXT text, when any
  uint32_t code = 0;    // the A record that listed (range and anti zones)
};

// Applies one zone's outcome as the reference's rbl()/antirbl() do.
void ApplyZone(const ZoneOption& zone, const ZoneOutcome& outcome, Verdict* verdict);

// The reply line without CRLF: "451 text" or "553 text", text cut at 200
// bytes, every byte outside 32..126 replaced by '?'.
std::string ReplyLine(const Verdict& verdict);

// Default message for a range zone listing without TXT text.
std::string RangeDefaultText(const ZoneOption& zone, uint32_t code);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_RBL_POLICY_H_
