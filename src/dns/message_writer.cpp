#include "dns/message_writer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace rg::act::dns {
namespace {

struct TypeName {
  std::uint16_t code;
  std::string_view name;
};
constexpr std::array<TypeName, 6> kTypes{{{kTypeA, "A"},
                                          {kTypeNs, "NS"},
                                          {kTypeCname, "CNAME"},
                                          {kTypeSoa, "SOA"},
                                          {kTypeAaaa, "AAAA"},
                                          {kTypeTsig, "TSIG"}}};

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Reads a possibly compressed name at `offset`, advancing it past the name as it appears there.
std::expected<std::string, std::string> read_name(std::span<const std::uint8_t> packet, std::size_t& offset) {
  std::string name;
  std::size_t at = offset;
  bool jumped = false;
  int jumps = 0;
  std::size_t length = 0;
  while (true) {
    if (at >= packet.size()) return std::unexpected("name runs past the end");
    const std::uint8_t label = packet[at];
    if ((label & 0xC0) == 0xC0) {
      if (at + 1 >= packet.size()) return std::unexpected("compression pointer runs past the end");
      if (++jumps > 64) return std::unexpected("compression pointer loop");
      const std::size_t target = static_cast<std::size_t>((label & 0x3F) << 8 | packet[at + 1]);
      if (!jumped) offset = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if ((label & 0xC0) != 0) return std::unexpected("unknown label type");
    if (label == 0) {
      if (!jumped) offset = at + 1;
      break;
    }
    if (at + 1 + label > packet.size()) return std::unexpected("label runs past the end");
    length += label + 1u;
    if (length > 255) return std::unexpected("name longer than 255 octets");
    for (std::size_t i = 0; i < label; ++i) {
      const char c = static_cast<char>(packet[at + 1 + i]);
      if (c == '.' || c == '\\') {
        name += '\\';
        name += c;
      } else if (c > ' ' && c < 127) {
        name += lower(c);
      } else {
        const auto byte = static_cast<unsigned char>(c);
        name += '\\';
        name += static_cast<char>('0' + byte / 100);
        name += static_cast<char>('0' + byte / 10 % 10);
        name += static_cast<char>('0' + byte % 10);
      }
    }
    name += '.';
    at += 1 + label;
  }
  return name.empty() ? std::string(".") : name;
}

std::string rdata_text(std::span<const std::uint8_t> packet, const Record& record) {
  const auto rdata = packet.subspan(record.rdata_offset, record.rdata_length);
  char text[INET6_ADDRSTRLEN] = {};
  if (record.type == kTypeA && rdata.size() == 4) return inet_ntop(AF_INET, rdata.data(), text, sizeof text);
  if (record.type == kTypeAaaa && rdata.size() == 16) return inet_ntop(AF_INET6, rdata.data(), text, sizeof text);
  if (record.type == kTypeCname || record.type == kTypeNs) {
    std::size_t at = record.rdata_offset;
    auto name = read_name(packet, at);
    if (name) return *name;
  }
  return {};
}

}  // namespace

std::optional<std::uint16_t> type_code(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name && t.code != kTypeTsig) return t.code;
  return std::nullopt;
}

std::string type_name(std::uint16_t code) {
  for (const auto& t : kTypes)
    if (t.code == code) return std::string(t.name);
  return "TYPE" + std::to_string(code);
}

std::string rcode_name(int rcode) {
  static constexpr std::array<std::string_view, 11> names{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                          "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode >= 0 && rcode < static_cast<int>(names.size())) return std::string(names[static_cast<std::size_t>(rcode)]);
  switch (rcode) {
    case 16: return "BADSIG";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
    default: return "RCODE" + std::to_string(rcode);
  }
}

std::string canonical_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) out += lower(c);
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

std::expected<Bytes, std::string> encode_name(std::string_view name) {
  const std::string text = canonical_name(name);
  Bytes out;
  if (text == ".") return Bytes{0};
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t dot = text.find('.', start);
    const std::size_t length = dot - start;
    if (length == 0) return std::unexpected("`" + std::string(name) + "` has an empty label");
    if (length > 63) return std::unexpected("`" + std::string(name) + "` has a label longer than 63 octets");
    out.push_back(static_cast<std::uint8_t>(length));
    out.insert(out.end(), text.begin() + static_cast<std::ptrdiff_t>(start),
               text.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  if (out.size() > 255) return std::unexpected("`" + std::string(name) + "` is longer than 255 octets");
  return out;
}

std::expected<Bytes, std::string> encode_rdata(std::uint16_t type, std::string_view value) {
  const std::string text(value);
  if (type == kTypeA || type == kTypeAaaa) {
    Bytes out(type == kTypeA ? 4 : 16);
    if (inet_pton(type == kTypeA ? AF_INET : AF_INET6, text.c_str(), out.data()) != 1)
      return std::unexpected("`" + text + "` is not an " + (type == kTypeA ? "IPv4" : "IPv6") + " address");
    return out;
  }
  if (type == kTypeCname || type == kTypeNs) return encode_name(value);
  return std::unexpected("record type " + type_name(type) + " is not supported");
}

std::string normalize_value(std::uint16_t type, std::string_view value) {
  if (type == kTypeCname || type == kTypeNs) return canonical_name(value);
  if (type == kTypeA || type == kTypeAaaa) {
    auto rdata = encode_rdata(type, value);
    if (!rdata) return std::string(value);
    char text[INET6_ADDRSTRLEN] = {};
    return inet_ntop(type == kTypeA ? AF_INET : AF_INET6, rdata->data(), text, sizeof text);
  }
  return std::string(value);
}

void Writer::u16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}
void Writer::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}
void Writer::u48(std::uint64_t v) {
  u16(static_cast<std::uint16_t>(v >> 32));
  u32(static_cast<std::uint32_t>(v));
}

std::uint16_t read_u16(std::span<const std::uint8_t> at) {
  return static_cast<std::uint16_t>(at[0] << 8 | at[1]);
}
void write_u16(std::span<std::uint8_t> at, std::uint16_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 8);
  at[1] = static_cast<std::uint8_t>(v);
}

std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> packet) {
  if (packet.size() < kHeaderSize) return std::unexpected("shorter than a DNS header");
  Message message;
  message.id = read_u16(packet);
  message.flags = read_u16(packet.subspan(2));
  message.rcode = message.flags & 0x000F;
  const std::uint16_t qdcount = read_u16(packet.subspan(4));
  const std::array<std::uint16_t, 3> counts{read_u16(packet.subspan(6)), read_u16(packet.subspan(8)),
                                            read_u16(packet.subspan(10))};
  std::size_t offset = kHeaderSize;
  for (std::uint16_t i = 0; i < qdcount; ++i) {
    if (auto name = read_name(packet, offset); !name)
      return std::unexpected("question " + std::to_string(i + 1) + ": " + name.error());
    if (offset + 4 > packet.size()) return std::unexpected("question " + std::to_string(i + 1) + " is cut short");
    offset += 4;
  }
  const std::array<std::pair<std::vector<Record>*, std::string_view>, 3> sections{
      {{&message.answers, "answer"}, {&message.authority, "authority"}, {&message.additional, "additional"}}};
  for (std::size_t s = 0; s < sections.size(); ++s) {
    for (std::uint16_t i = 0; i < counts[s]; ++i) {
      const std::string where = std::string(sections[s].second) + " " + std::to_string(i + 1) + ": ";
      Record record;
      record.start = offset;
      auto name = read_name(packet, offset);
      if (!name) return std::unexpected(where + name.error());
      record.name = std::move(*name);
      if (offset + 10 > packet.size()) return std::unexpected(where + "record header cut short");
      record.type = read_u16(packet.subspan(offset));
      record.klass = read_u16(packet.subspan(offset + 2));
      record.ttl = static_cast<std::uint32_t>(read_u16(packet.subspan(offset + 4))) << 16 |
                   read_u16(packet.subspan(offset + 6));
      record.rdata_length = read_u16(packet.subspan(offset + 8));
      record.rdata_offset = offset + 10;
      offset = record.rdata_offset + record.rdata_length;
      if (offset > packet.size()) return std::unexpected(where + "record data runs past the end");
      record.value = rdata_text(packet, record);
      sections[s].first->push_back(std::move(record));
    }
  }
  return message;
}

std::expected<Bytes, std::string> build_query(std::uint16_t id, std::string_view name, std::uint16_t type,
                                              bool recursion_desired) {
  auto qname = encode_name(name);
  if (!qname) return std::unexpected(qname.error());
  Writer w;
  w.u16(id);
  w.u16(recursion_desired ? kFlagRd : 0);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  w.bytes(*qname);
  w.u16(type);
  w.u16(kClassIn);
  return std::move(w.out());
}

}  // namespace rg::act::dns
