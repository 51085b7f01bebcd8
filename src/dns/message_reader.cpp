#include "dns/message_reader.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <utility>

namespace rg {
namespace {

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 12> kRecordTypes{{
    {1, "A"}, {2, "NS"}, {5, "CNAME"}, {6, "SOA"}, {12, "PTR"}, {15, "MX"},
    {16, "TXT"}, {28, "AAAA"}, {33, "SRV"}, {65, "HTTPS"}, {64, "SVCB"}, {257, "CAA"},
}};

constexpr std::size_t kHeaderSize = 12;
constexpr int kMaxPointerHops = 64;  // a loop of compression pointers must not hang us

class Reader {
 public:
  explicit Reader(std::span<const unsigned char> packet) : packet_(packet) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return packet_.size() - offset_; }
  void skip(std::size_t n) { offset_ += n; }

  std::uint16_t u16_at(std::size_t at) const {
    return static_cast<std::uint16_t>(packet_[at] << 8 | packet_[at + 1]);
  }
  std::uint16_t read_u16() {
    const auto v = u16_at(offset_);
    offset_ += 2;
    return v;
  }
  std::uint32_t read_u32() {
    const std::uint32_t v = static_cast<std::uint32_t>(u16_at(offset_)) << 16 | u16_at(offset_ + 2);
    offset_ += 4;
    return v;
  }

  // Walks a possibly compressed domain name starting at `at`, appending it to `out` when given
  // (the owner and question names are only checked, never kept, so they cost no allocation).
  // Returns the offset just after its encoding at `at` (not after any pointer target).
  std::expected<std::size_t, std::string> walk_name(std::size_t at, std::string* out) const {
    std::size_t pos = at;
    std::size_t end_of_encoding = 0;
    std::size_t length = 0;  // octets of the name in presentation form, dots included
    for (int hops = 0;; ) {
      if (pos >= packet_.size()) return std::unexpected("name runs past the end");
      const unsigned char len = packet_[pos];
      if ((len & 0xC0) == 0xC0) {
        if (pos + 1 >= packet_.size()) return std::unexpected("compression pointer runs past the end");
        if (end_of_encoding == 0) end_of_encoding = pos + 2;
        if (++hops > kMaxPointerHops) return std::unexpected("compression pointer loop");
        pos = static_cast<std::size_t>((len & 0x3F) << 8 | packet_[pos + 1]);
        continue;
      }
      if ((len & 0xC0) != 0) return std::unexpected("bad label type");
      if (len == 0) {
        if (end_of_encoding == 0) end_of_encoding = pos + 1;
        break;
      }
      if (pos + 1 + len > packet_.size()) return std::unexpected("label runs past the end");
      length += len + 1u;
      if (length > 255) return std::unexpected("name longer than 255 octets");
      if (out) {
        out->append(reinterpret_cast<const char*>(&packet_[pos + 1]), len);
        out->push_back('.');
      }
      pos += 1 + len;
    }
    if (out && length == 0) out->push_back('.');  // the root (assigning "." trips GCC 12's -Wrestrict at -O2)
    return end_of_encoding;
  }

  // The name at `at` and the offset just after its encoding there.
  std::expected<std::pair<std::string, std::size_t>, std::string> name_at(std::size_t at) const {
    std::string name;
    auto end = walk_name(at, &name);
    if (!end) return std::unexpected(std::move(end.error()));
    return std::pair{std::move(name), *end};
  }

  // Checks the name at the read position and moves past it.
  std::expected<void, std::string> skip_name() {
    auto end = walk_name(offset_, nullptr);
    if (!end) return std::unexpected(std::move(end.error()));
    offset_ = *end;
    return {};
  }

  std::span<const unsigned char> bytes(std::size_t at, std::size_t n) const { return packet_.subspan(at, n); }

 private:
  std::span<const unsigned char> packet_;
  std::size_t offset_ = 0;
};

// Dotted quad by hand: inet_ntop formats through sprintf, which was a fifth of a probe's CPU.
std::string ipv4_text(std::span<const unsigned char> octets) {
  std::string text;
  text.reserve(15);
  for (std::size_t i = 0; i < 4; ++i) {
    if (i) text.push_back('.');
    const unsigned value = octets[i];
    if (value >= 100) text.push_back(static_cast<char>('0' + value / 100));
    if (value >= 10) text.push_back(static_cast<char>('0' + value / 10 % 10));
    text.push_back(static_cast<char>('0' + value % 10));
  }
  return text;
}

std::string quoted_character_strings(std::span<const unsigned char> rdata) {
  std::string text;
  for (std::size_t i = 0; i < rdata.size();) {
    const std::size_t len = rdata[i];
    const std::size_t end = std::min(rdata.size(), i + 1 + len);
    if (!text.empty()) text.push_back(' ');
    text.push_back('"');
    for (std::size_t j = i + 1; j < end; ++j) {
      const auto c = static_cast<char>(rdata[j]);
      if (c == '"' || c == '\\') text.push_back('\\');
      text.push_back(c);
    }
    text.push_back('"');
    i = end;
  }
  return text;
}

std::string hex_rdata(std::span<const unsigned char> rdata) {  // RFC 3597 generic form
  std::string text = fmt::format("\\# {}", rdata.size());
  if (!rdata.empty()) text.push_back(' ');
  for (auto b : rdata) text += fmt::format("{:02x}", b);
  return text;
}

// Renders one record's data as presentation text; names inside rdata may use compression.
std::expected<std::string, std::string> rdata_text(const Reader& reader, std::uint16_t type, std::size_t at,
                                                   std::size_t length) {
  const auto rdata = reader.bytes(at, length);
  switch (type) {
    case 1: {
      if (length != 4) return std::unexpected(fmt::format("A record with {} bytes of data", length));
      return ipv4_text(rdata);
    }
    case 28: {
      if (length != 16) return std::unexpected(fmt::format("AAAA record with {} bytes of data", length));
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, rdata.data(), buf, sizeof buf);
      return std::string(buf);
    }
    case 2: case 5: case 12: {
      auto name = reader.name_at(at);
      if (!name) return std::unexpected(name.error());
      if (name->second != at + length) return std::unexpected("name does not fill the record data");
      return std::move(name->first);
    }
    case 15: {
      if (length < 3) return std::unexpected("MX record too short");
      auto name = reader.name_at(at + 2);
      if (!name) return std::unexpected(name.error());
      return fmt::format("{} {}", reader.u16_at(at), name->first);
    }
    case 16: return quoted_character_strings(rdata);
    default: return hex_rdata(rdata);
  }
}

}  // namespace

std::uint16_t record_type_code(std::string_view name) {
  for (const auto& [code, n] : kRecordTypes)
    if (n == name) return code;
  return 0;
}

std::string record_type_name(std::uint16_t code) {
  for (const auto& [c, n] : kRecordTypes)
    if (c == code) return std::string(n);
  return fmt::format("TYPE{}", code);
}

bool dns_response_truncated(std::span<const unsigned char> packet) {
  return packet.size() >= kHeaderSize && (packet[2] & 0x80) != 0 && (packet[2] & 0x02) != 0;
}

std::expected<DnsResponse, std::string> parse_dns_response(std::span<const unsigned char> packet) {
  if (packet.size() < kHeaderSize)
    return std::unexpected(fmt::format("response of {} bytes is shorter than a DNS header", packet.size()));
  Reader reader(packet);
  DnsResponse response;
  response.id = reader.read_u16();
  const std::uint16_t flags = reader.read_u16();
  if ((flags & 0x8000) == 0) return std::unexpected("packet is a query, not a response");
  response.truncated = (flags & 0x0200) != 0;
  response.rcode = flags & 0x000F;
  const std::uint16_t question_count = reader.read_u16();
  const std::uint16_t answer_count = reader.read_u16();
  reader.skip(4);  // authority and additional counts: not needed to judge health

  for (std::uint16_t i = 0; i < question_count; ++i) {
    if (auto name = reader.skip_name(); !name)
      return std::unexpected(fmt::format("question {}: {}", i + 1, name.error()));
    if (reader.remaining() < 4) return std::unexpected(fmt::format("question {}: runs past the end", i + 1));
    reader.skip(4);
  }
  for (std::uint16_t i = 0; i < answer_count; ++i) {
    if (auto owner = reader.skip_name(); !owner)
      return std::unexpected(fmt::format("answer {}: {}", i + 1, owner.error()));
    if (reader.remaining() < 10) return std::unexpected(fmt::format("answer {}: record header runs past the end", i + 1));
    const std::uint16_t type = reader.read_u16();
    reader.skip(2);  // class
    const std::uint32_t ttl = reader.read_u32();
    const std::uint16_t length = reader.read_u16();
    if (reader.remaining() < length)
      return std::unexpected(fmt::format("answer {}: record data runs past the end", i + 1));
    auto text = rdata_text(reader, type, reader.offset(), length);
    if (!text) return std::unexpected(fmt::format("answer {}: {}", i + 1, text.error()));
    response.answers.push_back(DnsAnswer{record_type_name(type), std::move(*text), ttl});
    reader.skip(length);
  }
  return response;
}

}  // namespace rg
