// What one delivery is about: qmail-local's arguments and the lines and
// environment derived from them.
#ifndef MAILSUITE_LOCAL_RECIPIENT_H_
#define MAILSUITE_LOCAL_RECIPIENT_H_

#include <ctime>
#include <string>
#include <vector>

#include "result.h"

namespace ms::local {

struct Arguments {
  bool deliver = true;  // false with -n: print the instructions only
  std::string user, home, local, dash, ext, domain, sender, default_delivery;
};

// [-nN] user homedir local dash ext domain sender defaultdelivery
Result<Arguments> ParseArguments(int argc, char** argv);

struct Recipient {
  Arguments args;
  std::string address;      // local@domain
  std::string dtline;       // "Delivered-To: local@domain\n"
  std::string rpline;       // "Return-Path: <sender>\n"
  std::string ufline;       // "From sender Thu Nov 22 18:04:21 2026\n"
  std::string new_sender;   // envelope sender of forwards
  std::string default_part; // $DEFAULT when a -default dot file matched
  bool has_default = false;
};

Recipient MakeRecipient(Arguments args, time_t now);

// The sender of forwarded copies, as qmail-local: the original sender,
// except that bounces go to local-owner@domain when .qmail<dash><ext>-owner
// (or .mailsuite...) exists; the null sender and "#@[]" stay as they are.
std::string ForwardSender(const Arguments& args, bool owner_file_exists);

// The program environment: base (normally environ) without any variable
// we set, plus SENDER, NEWSENDER, RECIPIENT, USER, HOME, HOST, HOST2-4,
// LOCAL, EXT, EXT2-4, DEFAULT, DTLINE, RPLINE, UFLINE.
std::vector<std::string> ProgramEnvironment(const Recipient& r, char** base);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_RECIPIENT_H_
