#include "queue/inject_input.h"

#include <unistd.h>

#include <cerrno>

namespace ms::queue {

void LineEndFilter::Put(char c, std::string* out) {
  if (held_.empty()) {
    if (c == '\r') {
      held_ = "\r";
    } else if (c == '.' && line_start_ && dot_ends_) {
      held_ = ".";
    } else {
      out->push_back(c);
      line_start_ = c == '\n';
    }
  } else if (held_ == "\r") {
    held_.clear();
    if (c == '\n') {
      out->push_back('\n');
      line_start_ = true;
    } else {
      out->push_back('\r');
      line_start_ = false;
      Put(c, out);
    }
  } else if (held_ == ".") {
    if (c == '\n') {
      ended_ = true;
    } else if (c == '\r') {
      held_ = ".\r";
    } else {
      held_.clear();
      out->push_back('.');
      line_start_ = false;
      Put(c, out);
    }
  } else {  // ".\r"
    if (c == '\n') {
      ended_ = true;
    } else {
      out->push_back('.');
      held_ = "\r";
      line_start_ = false;
      Put(c, out);
    }
  }
}

void LineEndFilter::Feed(std::string_view in, std::string* out) {
  for (char c : in) {
    if (ended_) return;
    Put(c, out);
  }
}

void LineEndFilter::Finish(std::string* out) {
  if (!ended_) out->append(held_);
  held_.clear();
}

bool InjectInput::ReadMore(std::string* out, bool* eof) {
  char buf[65536];
  for (;;) {
    if (eof_ || filter_.ended()) {
      *eof = true;
      return true;
    }
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      eof_ = true;
      filter_.Finish(out);
      *eof = true;
      return true;
    }
    size_t before = out->size();
    filter_.Feed(std::string_view(buf, static_cast<size_t>(n)), out);
    *eof = filter_.ended();
    if (out->size() > before || *eof) return true;
  }
}

}  // namespace ms::queue
