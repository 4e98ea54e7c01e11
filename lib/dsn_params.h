// Delivery status notification parameters (RFC 3461): the MAIL
// parameters RET and ENVID, the RCPT parameters NOTIFY and ORCPT, their
// xtext encoding (RFC 3461 4), and the one text form in which they travel
// after smtpd: the envelope's M and R records (queue/FORMAT.md "DSN
// records"), mailsuite-remote's environment (remote/REPORT.md) and
// mailq's listing all carry "KEY=value KEY=value" exactly as these
// functions write it.  One parser serves smtpd (the client's words) and
// the readers of that text, so nothing is interpreted twice.
#ifndef MAILSUITE_LIB_DSN_PARAMS_H_
#define MAILSUITE_LIB_DSN_PARAMS_H_

#include <optional>
#include <string>
#include <string_view>

namespace ms {

// RFC 3461 4.4: ENVID at most 100 characters; 4.2: ORCPT at most 500.
inline constexpr size_t kMaxEnvid = 100;
inline constexpr size_t kMaxOrcpt = 500;

// xtext: printable US-ASCII (33-126) except '+' and '=' as themselves,
// any octet as "+" and two upper-case hex digits.  nullopt: not xtext.
std::optional<std::string> DecodeXtext(std::string_view xtext);
std::string EncodeXtext(std::string_view text);

enum class DsnRet { kUnset, kFull, kHdrs };

struct MailDsn {
  DsnRet ret = DsnRet::kUnset;
  std::string envid;  // xtext as the client sent it (checked); empty: none
  bool empty() const { return ret == DsnRet::kUnset && envid.empty(); }
  bool operator==(const MailDsn&) const = default;
};

enum NotifyFlag : unsigned {
  kNotifyNever = 1,
  kNotifySuccess = 2,
  kNotifyFailure = 4,
  kNotifyDelay = 8,
};

struct RcptDsn {
  unsigned notify = 0;  // NotifyFlag bits; 0: NOTIFY not given
  std::string orcpt;    // "addr-type;xtext" as the client sent it (checked); empty: none
  bool empty() const { return notify == 0 && orcpt.empty(); }
  bool operator==(const RcptDsn&) const = default;
  // Without NOTIFY the default is FAILURE (and DELAY at our choice: no).
  bool WantsFailure() const { return notify == 0 || (notify & kNotifyFailure) != 0; }
  bool WantsSuccess() const { return (notify & kNotifySuccess) != 0; }
  bool WantsDelay() const { return (notify & kNotifyDelay) != 0; }
};

enum class DsnParamResult {
  kNotDsn,     // the keyword is not one of ours
  kOk,
  kBad,        // malformed value: 501 5.5.4
  kDuplicate,  // given twice: 501 5.5.4
};

// One "KEY=value" of a MAIL command (RET, ENVID) / of a RCPT command
// (NOTIFY, ORCPT), keyword case-insensitive.
DsnParamResult ParseMailDsnParam(std::string_view key, std::string_view value, bool has_value, MailDsn* out);
DsnParamResult ParseRcptDsnParam(std::string_view key, std::string_view value, bool has_value, RcptDsn* out);

// The canonical text ("RET=HDRS ENVID=abc", "NOTIFY=SUCCESS,FAILURE
// ORCPT=rfc822;a@b"): what smtpd stores and mailsuite-remote sends.
std::string FormatMailDsn(const MailDsn& dsn);
std::string FormatRcptDsn(const RcptDsn& dsn);
// Reads that text back with the same parameter parsers; nullopt when it
// is anything else (a damaged envelope record).
std::optional<MailDsn> ParseMailDsnText(std::string_view text);
std::optional<RcptDsn> ParseRcptDsnText(std::string_view text);

// The ORCPT's address type ("rfc822") and decoded address.
struct OriginalRecipient {
  std::string type;
  std::string address;
};
std::optional<OriginalRecipient> DecodeOrcpt(std::string_view orcpt);

// mailsuite-remote appends this to a recipient's success text when the
// server offered DSN and got our DSN parameters: the next hop is now the
// one to notify (RFC 3461 5.2.2), so send sends no "relayed" notice
// (remote/REPORT.md).
inline constexpr std::string_view kDsnPassedOnMark = " (DSN passed on)";

// Whether a queue program keeps the envelope's DSN records: ours
// (mailsuite-queue, and mailsuite-filter, which passes them on) do; a
// qmail-queue would refuse them (exit 91), so with any other $QMAILQUEUE
// smtpd does not offer DSN.  Decided by the program's file name.
bool QueueProgramKeepsDsn(std::string_view program);

}  // namespace ms

#endif  // MAILSUITE_LIB_DSN_PARAMS_H_
