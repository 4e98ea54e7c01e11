// libFuzzer target: everything mailsuite-inject parses from a local
// program's input (line ends, header section, address lists of -t), and
// mailsuite-queue's incremental envelope scanner.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "queue/address_list.h"
#include "queue/envelope_reader.h"
#include "queue/header_section.h"
#include "queue/inject_header.h"
#include "queue/inject_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ms::queue::LineEndFilter filter(size % 2 == 0);
  std::string converted;
  filter.Feed(in.substr(0, size / 2), &converted);
  filter.Feed(in.substr(size / 2), &converted);
  filter.Finish(&converted);
  auto section = ms::queue::ParseHeaderSection(converted, true);
  if (section.body_offset > converted.size()) __builtin_trap();
  (void)ms::queue::HeaderRecipients(section.fields);
  ms::queue::AddedFields added{"d", "<i@h>", "a@b", std::string(in.substr(0, 40))};
  std::string header = ms::queue::RebuildHeader(section.fields, added);
  auto reparsed = ms::queue::ParseHeaderSection(header, true);
  if (!reparsed.complete || !reparsed.blank_line) __builtin_trap();
  (void)ms::queue::ParseAddressList(in);
  ms::queue::EnvelopeScanner scanner(64);
  for (size_t i = 0; i < size; i += 7)
    if (scanner.Feed(in.substr(i, 7)) != ms::queue::EnvelopeScanner::State::kNeedMore) break;
  return 0;
}
