#pragma once

// Just enough of the DNS wire format (RFC 1035) for test fixtures: build a query, read a
// query's header and question, parse a response into records, and write a message back out.
// Deliberately independent of c-ares and ldns, which are the code under test.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rg::lab::dns {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t header_size = 12;

// Record types and the class the fixtures use.
inline constexpr std::uint16_t type_a = 1;
inline constexpr std::uint16_t type_ns = 2;
inline constexpr std::uint16_t type_cname = 5;
inline constexpr std::uint16_t type_soa = 6;
inline constexpr std::uint16_t type_ptr = 12;
inline constexpr std::uint16_t type_mx = 15;
inline constexpr std::uint16_t type_txt = 16;
inline constexpr std::uint16_t type_aaaa = 28;
inline constexpr std::uint16_t type_opt = 41;
inline constexpr std::uint16_t class_in = 1;

// Response codes.
inline constexpr std::uint8_t rcode_noerror = 0;
inline constexpr std::uint8_t rcode_servfail = 2;
inline constexpr std::uint8_t rcode_nxdomain = 3;
inline constexpr std::uint8_t rcode_refused = 5;

// Bits of the header's flags word, as on the wire.
inline constexpr std::uint16_t flag_qr = 0x8000;
inline constexpr std::uint16_t flag_aa = 0x0400;
inline constexpr std::uint16_t flag_tc = 0x0200;
inline constexpr std::uint16_t flag_rd = 0x0100;
inline constexpr std::uint16_t flag_ra = 0x0080;
inline constexpr std::uint16_t mask_opcode = 0x7800;
inline constexpr std::uint16_t mask_rcode = 0x000f;

struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;

  bool qr() const { return (flags & flag_qr) != 0; }
  bool aa() const { return (flags & flag_aa) != 0; }
  bool tc() const { return (flags & flag_tc) != 0; }
  bool rd() const { return (flags & flag_rd) != 0; }
  bool ra() const { return (flags & flag_ra) != 0; }
  std::uint8_t opcode() const { return static_cast<std::uint8_t>((flags & mask_opcode) >> 11); }
  std::uint8_t rcode() const { return static_cast<std::uint8_t>(flags & mask_rcode); }
};

// Names are text in presentation form: absolute with a trailing dot ("www.example.test.",
// the root is "."), case kept as received, '.', '\\' and unprintable bytes escaped.
struct Question {
  std::string name;
  std::uint16_t type = type_a;
  std::uint16_t klass = class_in;
};

struct ResourceRecord {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t klass = class_in;
  std::uint32_t ttl = 0;
  // Names inside the RDATA of the RFC 1035 types (NS, CNAME, SOA, PTR, MX) are stored
  // decompressed, so a record can be written into another message unchanged.
  Bytes rdata;
};

struct Message {
  Header header;  // the counts are ignored by serialize(), which uses the sections' sizes
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;
};

// The header and the first question of a query, and where that question ends, which is all
// the fault proxy needs to answer in the client's name.
struct QueryView {
  Header header;
  Question question;
  std::size_t question_end = 0;
};

std::optional<Header> parse_header(std::span<const std::uint8_t> wire);
std::optional<QueryView> parse_query(std::span<const std::uint8_t> wire);
std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> wire);

// Without name compression; header counts come from the sections.
Bytes serialize(const Message& message);

Bytes make_query(std::uint16_t id, std::string_view name, std::uint16_t type, bool recursion_desired = true);

// "www.example.test" or "www.example.test." → wire labels; throws std::invalid_argument.
Bytes encode_name(std::string_view name);

// Lower case, no trailing dot ("WWW.Example.Test." → "www.example.test"; the root is ""):
// the form used to compare names.
std::string normalize_name(std::string_view name);

// RDATA in presentation form for A, AAAA, NS, CNAME, PTR, MX and SOA; other types as
// RFC 3597 generic data ("\# 4 c0000201").
std::string rdata_text(const ResourceRecord& record);

// The SOA serial of a SOA record, if it is one with well-formed RDATA.
std::optional<std::uint32_t> soa_serial(const ResourceRecord& record);

}  // namespace rg::lab::dns
