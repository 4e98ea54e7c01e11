// The filter's single streaming pass over a message: RFC 2045-2049 part
// structure, one line at a time, with memory bounded by the limits below
// whatever the message's size (no part is ever held whole).
//
// Per line the walker is in one of these states:
//   headers   collecting a header section (top level, a MIME part, or a
//             message/rfc822 body), at most max_header_bytes;
//   leaf      a non-multipart body: transfer-decoded on the fly (GMime's
//             base64/quoted-printable filters), decoded octets counted,
//             text parts split into decoded lines, the last zip_tail
//             octets of a zip archive kept for its central directory;
//   preamble / epilogue of a multipart: skipped.
// In every body state a line "--B" or "--B--" for any open boundary B
// ends the current part.  Anything the walker cannot read the one way all
// readers would (two Content-Type headers, a multipart without boundary,
// a boundary over 70 characters, an inner boundary that never closes,
// truncated base64, a file name with control or bidi characters, a zip
// whose central directory is unreadable) or that exceeds a limit makes it
// ambiguous: it stops and the filter applies control/filterambiguous.
#ifndef MAILSUITE_FILTER_MIME_WALK_H_
#define MAILSUITE_FILTER_MIME_WALK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ms::filter {

struct WalkLimits {
  size_t max_depth = 30;              // control/filterdepth
  size_t max_parts = 1000;            // control/filterparts
  size_t max_header_bytes = 65536;    // control/filterheaderbytes (per section)
  size_t max_line = 65536;            // control/filterlinelength
  size_t zip_tail = 262144;           // octets of a zip kept for its directory
  size_t max_zip_entries = 10000;
};

class WalkHandler {
 public:
  virtual ~WalkHandler() = default;
  // A header of the message or of any part: lower-case name, unfolded and
  // RFC 2047-decoded value.
  virtual void OnHeader(std::string_view name, std::string_view value) = 0;
  // A named part (or a zip member, inside is the archive's name) ended:
  // its decoded file name and decoded size in octets.
  virtual void OnAttachment(std::string_view name, uint64_t size, std::string_view inside) = 0;
  // A decoded line of a text part (without its line end).
  virtual void OnBodyLine(std::string_view line) = 0;
  // Whether OnBodyLine is wanted at all (saves the splitting when not).
  virtual bool WantsBody() const = 0;
};

class MimeWalker {
 public:
  MimeWalker(const WalkLimits& limits, WalkHandler* handler);
  ~MimeWalker();
  MimeWalker(const MimeWalker&) = delete;
  MimeWalker& operator=(const MimeWalker&) = delete;

  // Any chunking of the message (LF or CRLF line ends).
  void Feed(std::string_view data);
  // End of the message.
  void Finish();

  bool ambiguous() const { return !reason_.empty(); }
  const std::string& reason() const { return reason_; }
  size_t parts() const { return parts_; }
  size_t max_depth_seen() const { return max_depth_seen_; }

 private:
  struct Part;
  struct Frame {
    std::string boundary;
    size_t depth;
  };
  enum class State { kHeaders, kLeaf, kPreamble, kEpilogue, kDone };

  void Line(std::string_view line);
  void Ambiguous(std::string reason);
  // Returns true when line is a delimiter of an open boundary (and acts).
  bool Delimiter(std::string_view line);
  void HeaderLine(std::string_view line);
  void EndHeaders();
  void StartPart(size_t depth);
  void LeafLine(std::string_view line);
  void Decoded(const char* data, size_t len);
  void EndLeaf();
  void BodyText(const char* data, size_t len);

  WalkLimits limits_;
  WalkHandler* handler_;
  std::string pending_;  // a partial line between Feed calls
  bool pending_overflow_ = false;
  State state_ = State::kHeaders;
  std::vector<Frame> frames_;
  std::unique_ptr<Part> part_;
  size_t parts_ = 0;
  size_t max_depth_seen_ = 0;
  std::string reason_;
};

// Names and uncompressed sizes in a zip archive's central directory, read
// from the archive's last octets (tail) only; nothing is extracted.
struct ZipEntry {
  std::string name;
  uint64_t size = 0;
};
// false when no end-of-central-directory record is found or the directory
// does not lie wholly inside tail (or has more than max_entries entries).
bool ReadZipDirectory(std::string_view tail, size_t max_entries, std::vector<ZipEntry>* entries);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_MIME_WALK_H_
