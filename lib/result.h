// Explicit error results: a value or an error message, never an exception.
#ifndef MAILSUITE_LIB_RESULT_H_
#define MAILSUITE_LIB_RESULT_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ms {

struct Error {
  std::string message;
  int code = 0;  // program-specific (e.g. an exit code); 0 when unused
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(std::string message, int code = 0) {
  return Error{std::move(message), code};
}

// "First error wins" for loaders that read many things in turn (the
// config loaders): each failed step falls back to its default, and the
// first error is the one reported, so it names the first bad file.
class FirstError {
 public:
  // r's value, or fallback after noting r's error.
  template <typename T>
  T Take(Result<T> r, T fallback) {
    if (r.ok()) return std::move(*r);
    if (!error_) error_ = r.error();
    return fallback;
  }
  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_RESULT_H_
