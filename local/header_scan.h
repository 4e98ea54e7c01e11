// Looks at the header of a message as it streams past, for the two loop
// checks of a local delivery: our own Delivered-To line (qmail-local's
// "#5.4.6") and the number of Received: lines.  Only field lines count
// (not folded continuations); matching of the Delivered-To address is
// case-insensitive and ignores surrounding white space and a CR.  A
// header line longer than kMaxTrackedLine cannot be ours and is skipped.
#ifndef MAILSUITE_LOCAL_HEADER_SCAN_H_
#define MAILSUITE_LOCAL_HEADER_SCAN_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ms::local {

inline constexpr size_t kMaxReceived = 100;

class HeaderScan {
 public:
  static constexpr size_t kMaxTrackedLine = 1024;

  explicit HeaderScan(std::string recipient) : recipient_(std::move(recipient)) {}

  // Feeds the next bytes of the message; returns false once the header
  // has ended (more input is not needed).
  bool Feed(std::string_view data);
  // Call at end of input (a message that is all header).
  void Finish();

  bool done() const { return done_; }
  bool has_our_delivered_to() const { return loop_; }
  size_t received_lines() const { return received_; }

 private:
  void EndLine();

  std::string recipient_;
  std::string line_;
  bool overlong_ = false;
  bool done_ = false;
  bool loop_ = false;
  size_t received_ = 0;
};

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_HEADER_SCAN_H_
