#include "dns/message_reader.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace rg::dns {
namespace {

constexpr int kMaxPointerHops = 64;  // a loop of compression pointers must not hang us

// How a name read off the wire is written down: as the server sent it (the prober shows
// answers as they came), or canonical (lower case, dots and unprintable octets escaped as in a
// zone file) for the failover, which compares names with the configuration's.
enum class NameForm { as_sent, canonical };

void append_label(std::string& out, std::span<const std::uint8_t> label, NameForm form) {
  if (form == NameForm::as_sent) {
    out.append(reinterpret_cast<const char*>(label.data()), label.size());
    return;
  }
  for (const std::uint8_t byte : label) {
    const auto c = static_cast<char>(byte);
    if (c == '.' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte > ' ' && byte < 127) {
      out += static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte);
    } else {
      out += '\\';
      out += static_cast<char>('0' + byte / 100);
      out += static_cast<char>('0' + byte / 10 % 10);
      out += static_cast<char>('0' + byte % 10);
    }
  }
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> packet) : packet_(packet) {}

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
  // (names only checked, never kept, cost no allocation: the prober's owner names).
  // Returns the offset just after its encoding at `at` (not after any pointer target).
  std::expected<std::size_t, std::string> walk_name(std::size_t at, std::string* out, NameForm form) const {
    std::size_t pos = at;
    std::size_t end_of_encoding = 0;
    std::size_t length = 0;  // octets of the name in presentation form, dots included
    for (int hops = 0;;) {
      if (pos >= packet_.size()) return std::unexpected("name runs past the end");
      const std::uint8_t len = packet_[pos];
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
        append_label(*out, packet_.subspan(pos + 1, len), form);
        out->push_back('.');
      }
      pos += 1 + len;
    }
    if (out && length == 0) out->push_back('.');  // the root (assigning "." trips GCC 12's -Wrestrict at -O2)
    return end_of_encoding;
  }

  // The name at `at` and the offset just after its encoding there.
  std::expected<std::pair<std::string, std::size_t>, std::string> name_at(std::size_t at, NameForm form) const {
    std::string name;
    auto end = walk_name(at, &name, form);
    if (!end) return std::unexpected(std::move(end.error()));
    return std::pair{std::move(name), *end};
  }

  // Checks the name at the read position, keeps it in `out` when given, and moves past it.
  std::expected<void, std::string> read_name(std::string* out, NameForm form) {
    auto end = walk_name(offset_, out, form);
    if (!end) return std::unexpected(std::move(end.error()));
    offset_ = *end;
    return {};
  }

  std::span<const std::uint8_t> bytes(std::size_t at, std::size_t n) const { return packet_.subspan(at, n); }

 private:
  std::span<const std::uint8_t> packet_;
  std::size_t offset_ = 0;
};

struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::array<std::uint16_t, 4> counts{};  // question, answer, authority, additional
};

std::expected<Header, std::string> read_header(Reader& reader, std::size_t size) {
  if (size < kHeaderSize) return std::unexpected(fmt::format("response of {} bytes is shorter than a DNS header", size));
  Header header;
  header.id = reader.read_u16();
  header.flags = reader.read_u16();
  for (auto& count : header.counts) count = reader.read_u16();
  return header;
}

std::expected<void, std::string> skip_questions(Reader& reader, std::uint16_t count) {
  for (std::uint16_t i = 0; i < count; ++i) {
    if (auto name = reader.read_name(nullptr, NameForm::as_sent); !name)
      return std::unexpected(fmt::format("question {}: {}", i + 1, name.error()));
    if (reader.remaining() < 4) return std::unexpected(fmt::format("question {}: runs past the end", i + 1));
    reader.skip(4);
  }
  return {};
}

struct RecordHeader {
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::uint16_t length = 0;
};

// Where a record is, for errors ("answer 1: ..."); formatted only when there is one.
struct Position {
  std::string_view section;
  std::size_t index;  // from 0
};
std::string located(Position at, std::string_view problem) {
  return fmt::format("{} {}: {}", at.section, at.index + 1, problem);
}

// The owner name (kept in `owner` when given) and the fixed fields of a record, leaving the
// reader at its data, which is checked to fit in the packet.
std::expected<RecordHeader, std::string> read_record_header(Reader& reader, Position at, std::string* owner,
                                                            NameForm form) {
  if (auto name = reader.read_name(owner, form); !name) return std::unexpected(located(at, name.error()));
  if (reader.remaining() < 10) return std::unexpected(located(at, "record header runs past the end"));
  RecordHeader header;
  header.type = reader.read_u16();
  header.klass = reader.read_u16();
  header.ttl = reader.read_u32();
  header.length = reader.read_u16();
  if (reader.remaining() < header.length) return std::unexpected(located(at, "record data runs past the end"));
  return header;
}

// Dotted quad by hand: inet_ntop formats through sprintf, which was a fifth of a probe's CPU.
std::string ipv4_text(std::span<const std::uint8_t> octets) {
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

std::string quoted_character_strings(std::span<const std::uint8_t> rdata) {
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

std::string hex_rdata(std::span<const std::uint8_t> rdata) {  // RFC 3597 generic form
  std::string text = fmt::format("\\# {}", rdata.size());
  if (!rdata.empty()) text.push_back(' ');
  for (auto b : rdata) text += fmt::format("{:02x}", b);
  return text;
}

// Renders one record's data as presentation text; names inside rdata may use compression.
std::expected<std::string, std::string> rdata_text(const Reader& reader, std::uint16_t type, std::size_t at,
                                                   std::size_t length, NameForm form) {
  const auto rdata = reader.bytes(at, length);
  switch (type) {
    case kTypeA: {
      if (length != 4) return std::unexpected(fmt::format("A record with {} bytes of data", length));
      return ipv4_text(rdata);
    }
    case kTypeAaaa: {
      if (length != 16) return std::unexpected(fmt::format("AAAA record with {} bytes of data", length));
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, rdata.data(), buf, sizeof buf);
      return std::string(buf);
    }
    case kTypeNs: case kTypeCname: case kTypePtr: {
      auto name = reader.name_at(at, form);
      if (!name) return std::unexpected(name.error());
      if (name->second != at + length) return std::unexpected("name does not fill the record data");
      return std::move(name->first);
    }
    case kTypeMx: {
      if (length < 3) return std::unexpected("MX record too short");
      auto name = reader.name_at(at + 2, form);
      if (!name) return std::unexpected(name.error());
      return fmt::format("{} {}", reader.u16_at(at), name->first);
    }
    case kTypeTxt: return quoted_character_strings(rdata);
    default: return hex_rdata(rdata);
  }
}

// Record::value: what the failover compares with configured values (addresses and names),
// empty for other types and for data that does not parse, which then matches nothing.
std::string comparable_value(const Reader& reader, const RecordHeader& header, std::size_t at) {
  if (header.type != kTypeA && header.type != kTypeAaaa && header.type != kTypeCname && header.type != kTypeNs)
    return {};
  auto text = rdata_text(reader, header.type, at, header.length, NameForm::canonical);
  return text ? std::move(*text) : std::string();
}

}  // namespace

bool response_truncated(std::span<const std::uint8_t> packet) {
  return packet.size() >= kHeaderSize && (packet[2] & 0x80) != 0 && (packet[2] & 0x02) != 0;
}

std::expected<Response, std::string> parse_response(std::span<const std::uint8_t> packet) {
  Reader reader(packet);
  const auto header = read_header(reader, packet.size());
  if (!header) return std::unexpected(header.error());
  if ((header->flags & kFlagQr) == 0) return std::unexpected("packet is a query, not a response");
  Response response;
  response.id = header->id;
  response.truncated = (header->flags & kFlagTc) != 0;
  response.rcode = header->flags & 0x000F;
  // The authority and additional sections are not needed to judge health.
  if (auto questions = skip_questions(reader, header->counts[0]); !questions)
    return std::unexpected(questions.error());
  for (std::uint16_t i = 0; i < header->counts[1]; ++i) {
    const Position at{"answer", i};
    const auto record = read_record_header(reader, at, nullptr, NameForm::as_sent);
    if (!record) return std::unexpected(record.error());
    auto text = rdata_text(reader, record->type, reader.offset(), record->length, NameForm::as_sent);
    if (!text) return std::unexpected(located(at, text.error()));
    response.answers.push_back(DnsAnswer{record_type_name(record->type), std::move(*text), record->ttl});
    reader.skip(record->length);
  }
  return response;
}

std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> packet) {
  Reader reader(packet);
  const auto header = read_header(reader, packet.size());
  if (!header) return std::unexpected(header.error());
  Message message;
  message.id = header->id;
  message.flags = header->flags;
  message.rcode = header->flags & 0x000F;
  if (auto questions = skip_questions(reader, header->counts[0]); !questions)
    return std::unexpected(questions.error());
  const std::array<std::pair<std::vector<Record>*, std::string_view>, 3> sections{
      {{&message.answers, "answer"}, {&message.authority, "authority"}, {&message.additional, "additional"}}};
  for (std::size_t s = 0; s < sections.size(); ++s) {
    for (std::uint16_t i = 0; i < header->counts[s + 1]; ++i) {
      Record record;
      record.start = reader.offset();
      const auto fields = read_record_header(reader, {sections[s].second, i}, &record.name, NameForm::canonical);
      if (!fields) return std::unexpected(fields.error());
      record.type = fields->type;
      record.klass = fields->klass;
      record.ttl = fields->ttl;
      record.rdata_offset = reader.offset();
      record.rdata_length = fields->length;
      record.value = comparable_value(reader, *fields, record.rdata_offset);
      sections[s].first->push_back(std::move(record));
      reader.skip(fields->length);
    }
  }
  return message;
}

}  // namespace rg::dns
