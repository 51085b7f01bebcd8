#pragma once
// The DNS wire format (RFC 1035) as the failover's DNS steps need it: write queries and RFC 2136
// updates, and read a whole response (every section, record positions kept) so that a TSIG
// record can be found and verified over the exact bytes before it. dns/message_reader.h parses
// answers for the prober, but act/ sits below probe/ and needs the additional section too.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rg::act::dns {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeNs = 2;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypeAaaa = 28;
inline constexpr std::uint16_t kTypeTsig = 250;
inline constexpr std::uint16_t kClassIn = 1;
inline constexpr std::uint16_t kClassNone = 254;
inline constexpr std::uint16_t kClassAny = 255;
inline constexpr std::uint16_t kFlagQr = 0x8000;
inline constexpr std::uint16_t kFlagAa = 0x0400;
inline constexpr std::uint16_t kFlagTc = 0x0200;
inline constexpr std::uint16_t kFlagRd = 0x0100;
inline constexpr std::uint16_t kOpcodeUpdate = 5;

// "A", "AAAA", "CNAME", "SOA", "NS" -> code; nullopt for others (the steps need no more).
std::optional<std::uint16_t> type_code(std::string_view name);
std::string type_name(std::uint16_t code);  // "TYPE65" for the rest
// "NOERROR", "NOTAUTH", ... and the TSIG errors "BADSIG", "BADKEY", "BADTIME" (16-18).
std::string rcode_name(int rcode);

// Lower case with one trailing dot: names compare equal however the configuration wrote them.
std::string canonical_name(std::string_view name);
// Uncompressed wire form of an absolute name (lower case, as TSIG's canonical form wants).
std::expected<Bytes, std::string> encode_name(std::string_view name);
// RDATA of an A (dotted quad), AAAA (RFC 4291 text) or CNAME/NS (a name) value.
std::expected<Bytes, std::string> encode_rdata(std::uint16_t type, std::string_view value);

// A configured value in the form Record::value has: an address as inet_ntop writes it, a name
// canonical. The value unchanged when it does not parse (it will then match nothing).
std::string normalize_value(std::uint16_t type, std::string_view value);

// Appends big-endian fields.
class Writer {
 public:
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u48(std::uint64_t v);
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  Bytes& out() { return out_; }

 private:
  Bytes out_;
};

std::uint16_t read_u16(std::span<const std::uint8_t> at);
void write_u16(std::span<std::uint8_t> at, std::uint16_t v);

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

// Every section of a message; the error says what was malformed and where.
std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> packet);

// A standard query for one name and type; `recursion_desired` off for an authoritative server.
std::expected<Bytes, std::string> build_query(std::uint16_t id, std::string_view name, std::uint16_t type,
                                              bool recursion_desired);

}  // namespace rg::act::dns
