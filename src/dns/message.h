#pragma once
// A DNS message (RFC 1035 section 4) as values: the header's constants and the records of a
// message read by message_reader.h. The probe's summary of a response (Response) and the whole
// message the failover reads (Message: every section, record positions kept so that a TSIG
// record can be verified over the exact bytes before it) come from the same reader.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/probe_result.h"
#include "dns/record_type.h"

namespace rg::dns {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kClassIn = 1;
inline constexpr std::uint16_t kClassNone = 254;
inline constexpr std::uint16_t kClassAny = 255;
inline constexpr std::uint16_t kFlagQr = 0x8000;
inline constexpr std::uint16_t kFlagAa = 0x0400;
inline constexpr std::uint16_t kFlagTc = 0x0200;
inline constexpr std::uint16_t kFlagRd = 0x0100;
inline constexpr std::uint16_t kOpcodeUpdate = 5;

// Big-endian 16-bit fields; `at` holds at least two bytes.
inline std::uint16_t read_u16(std::span<const std::uint8_t> at) {
  return static_cast<std::uint16_t>(at[0] << 8 | at[1]);
}
inline void write_u16(std::span<std::uint8_t> at, std::uint16_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 8);
  at[1] = static_cast<std::uint8_t>(v);
}

// What a prober judges in a response: the header's flags and rcode, and the answer section as
// presentation text.
struct Response {
  std::uint16_t id = 0;
  bool truncated = false;
  int rcode = 0;
  std::vector<DnsAnswer> answers;  // the whole answer section, CNAMEs included
};

struct Record {
  std::string name;  // canonical_name form
  std::uint16_t type = 0;
  std::uint16_t klass = kClassIn;
  std::uint32_t ttl = 0;
  std::size_t start = 0;         // offset of the owner name in the message
  std::size_t rdata_offset = 0;  // offset of the RDATA
  std::uint16_t rdata_length = 0;
  // A/AAAA as text, CNAME/NS as a canonical name; empty for other types.
  std::string value;
};

struct Message {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  int rcode = 0;  // the header's 4 bits
  std::vector<Record> answers;
  std::vector<Record> authority;
  std::vector<Record> additional;
  bool authoritative() const { return (flags & kFlagAa) != 0; }
  bool truncated() const { return (flags & kFlagTc) != 0; }
  bool response() const { return (flags & kFlagQr) != 0; }
};

}  // namespace rg::dns
