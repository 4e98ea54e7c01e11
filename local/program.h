// Delivery to a program (`|command` lines), as qmail-command(8):
// /bin/sh -c command, in the home directory, with the message (only the
// message: no queue header, no envelope, no added header lines) on a
// seekable stdin and the qmail environment (SENDER, NEWSENDER, RECIPIENT,
// USER, HOME, HOST, HOST2-4, LOCAL, EXT, EXT2-4, DEFAULT, DTLINE, RPLINE,
// UFLINE).  Its stdout and stderr are collected (the first kMaxOutput
// bytes) to explain a failure.  Exit codes, as qmail-local:
//   0 delivered; 99 delivered, and skip the rest of the dot file;
//   100 and 64, 65, 70, 76, 77, 78, 112 permanent failure; others and
//   crashes temporary.
#ifndef MAILSUITE_LOCAL_PROGRAM_H_
#define MAILSUITE_LOCAL_PROGRAM_H_

#include <string>
#include <vector>

#include "local/message.h"
#include "result.h"

namespace ms::local {

inline constexpr size_t kMaxOutput = 1000;

enum class ProgramResult { kDelivered, kStop };

// env: complete environment for the program ("NAME=value" strings).
Result<ProgramResult> DeliverProgram(const std::string& command, const std::vector<std::string>& env,
                                     Message& message);

// Turns program output into one line: control characters and runs of
// white space become single spaces, line breaks "/ ", at most max bytes.
std::string OneLine(std::string_view text, size_t max);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_PROGRAM_H_
