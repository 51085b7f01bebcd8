#include "lab/dns_wire.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace rg::lab::dns {

namespace {

constexpr std::size_t max_name_length = 255;  // RFC 1035 2.3.4, in wire form
constexpr std::size_t max_label_length = 63;

std::uint16_t get_u16(std::span<const std::uint8_t> wire, std::size_t at) {
  return static_cast<std::uint16_t>((wire[at] << 8) | wire[at + 1]);
}

std::uint32_t get_u32(std::span<const std::uint8_t> wire, std::size_t at) {
  return (std::uint32_t{get_u16(wire, at)} << 16) | get_u16(wire, at + 2);
}

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void put_u32(Bytes& out, std::uint32_t value) {
  put_u16(out, static_cast<std::uint16_t>(value >> 16));
  put_u16(out, static_cast<std::uint16_t>(value & 0xffff));
}

void append_label_text(std::string& text, std::span<const std::uint8_t> label) {
  for (const std::uint8_t byte : label) {
    if (byte == '.' || byte == '\\') {
      text += '\\';
      text += static_cast<char>(byte);
    } else if (byte < 0x21 || byte > 0x7e) {
      text += fmt::format("\\{:03}", byte);
    } else {
      text += static_cast<char>(byte);
    }
  }
  text += '.';
}

// Reads the name at `offset`, following compression pointers, and moves `offset` past it.
// Appends the presentation form to `text` and the uncompressed wire form to `out` (either may
// be null). Pointers must point backwards, which also rules out loops.
bool read_name(std::span<const std::uint8_t> wire, std::size_t& offset, std::string* text, Bytes* out) {
  std::size_t position = offset;
  bool jumped = false;
  std::size_t length = 0;
  std::string name_text;
  while (position < wire.size()) {
    const std::uint8_t label_length = wire[position];
    if ((label_length & 0xc0) == 0xc0) {
      if (position + 1 >= wire.size()) {
        return false;
      }
      const std::size_t target = ((label_length & 0x3fu) << 8) | wire[position + 1];
      if (target >= position) {
        return false;
      }
      if (!jumped) {
        offset = position + 2;
        jumped = true;
      }
      position = target;
      continue;
    }
    if ((label_length & 0xc0) != 0) {
      return false;  // extended label types (RFC 6891 6.2) are obsolete
    }
    length += 1u + label_length;
    if (length > max_name_length || position + 1 + label_length > wire.size()) {
      return false;
    }
    if (out != nullptr) {
      out->insert(out->end(), wire.begin() + static_cast<std::ptrdiff_t>(position),
                  wire.begin() + static_cast<std::ptrdiff_t>(position + 1 + label_length));
    }
    if (label_length == 0) {
      if (!jumped) {
        offset = position + 1;
      }
      if (text != nullptr) {
        *text += name_text.empty() ? "." : name_text;
      }
      return true;
    }
    append_label_text(name_text, wire.subspan(position + 1, label_length));
    position += 1u + label_length;
  }
  return false;
}

// RDATA of the RFC 1035 types may contain compressed names; rewrite them uncompressed so the
// record no longer depends on the message it came from.
bool read_rdata(std::span<const std::uint8_t> wire, std::size_t offset, std::uint16_t type, std::uint16_t length,
                Bytes& rdata) {
  const std::size_t end = offset + length;
  const auto copy_fixed = [&](std::size_t count) {
    if (offset + count > end) {
      return false;
    }
    rdata.insert(rdata.end(), wire.begin() + static_cast<std::ptrdiff_t>(offset),
                 wire.begin() + static_cast<std::ptrdiff_t>(offset + count));
    offset += count;
    return true;
  };
  const auto copy_name = [&] { return read_name(wire, offset, nullptr, &rdata) && offset <= end; };

  bool ok = true;
  switch (type) {
    case type_ns:
    case type_cname:
    case type_ptr:
      ok = copy_name();
      break;
    case type_mx:
      ok = copy_fixed(2) && copy_name();
      break;
    case type_soa:
      ok = copy_name() && copy_name() && copy_fixed(20);
      break;
    default:
      ok = copy_fixed(length);
      break;
  }
  return ok && offset == end;
}

std::expected<ResourceRecord, std::string> read_record(std::span<const std::uint8_t> wire, std::size_t& offset) {
  ResourceRecord record;
  if (!read_name(wire, offset, &record.name, nullptr)) {
    return std::unexpected(fmt::format("bad owner name at offset {}", offset));
  }
  if (offset + 10 > wire.size()) {
    return std::unexpected(fmt::format("record of {} truncated at offset {}", record.name, offset));
  }
  record.type = get_u16(wire, offset);
  record.klass = get_u16(wire, offset + 2);
  record.ttl = get_u32(wire, offset + 4);
  const std::uint16_t rdlength = get_u16(wire, offset + 8);
  offset += 10;
  if (offset + rdlength > wire.size()) {
    return std::unexpected(fmt::format("RDATA of {} runs past the end of the message", record.name));
  }
  if (!read_rdata(wire, offset, record.type, rdlength, record.rdata)) {
    return std::unexpected(fmt::format("bad RDATA in record of {} type {}", record.name, record.type));
  }
  offset += rdlength;
  return record;
}

void write_record(Bytes& out, const ResourceRecord& record) {
  const Bytes name = encode_name(record.name);
  out.insert(out.end(), name.begin(), name.end());
  put_u16(out, record.type);
  put_u16(out, record.klass);
  put_u32(out, record.ttl);
  put_u16(out, static_cast<std::uint16_t>(record.rdata.size()));
  out.insert(out.end(), record.rdata.begin(), record.rdata.end());
}

std::string name_in_rdata(std::span<const std::uint8_t> rdata, std::size_t& offset) {
  std::string text;
  if (!read_name(rdata, offset, &text, nullptr)) {
    throw std::invalid_argument("bad name in RDATA");
  }
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string generic_rdata_text(std::span<const std::uint8_t> rdata) {
  std::string text = fmt::format("\\# {}", rdata.size());
  if (!rdata.empty()) {
    text += ' ';
    for (const std::uint8_t byte : rdata) {
      text += fmt::format("{:02x}", byte);
    }
  }
  return text;
}

}  // namespace

std::optional<Header> parse_header(std::span<const std::uint8_t> wire) {
  if (wire.size() < header_size) {
    return std::nullopt;
  }
  return Header{get_u16(wire, 0), get_u16(wire, 2), get_u16(wire, 4),
                get_u16(wire, 6), get_u16(wire, 8), get_u16(wire, 10)};
}

std::optional<QueryView> parse_query(std::span<const std::uint8_t> wire) {
  const auto header = parse_header(wire);
  if (!header || header->qdcount == 0) {
    return std::nullopt;
  }
  QueryView view{*header, {}, header_size};
  if (!read_name(wire, view.question_end, &view.question.name, nullptr) || view.question_end + 4 > wire.size()) {
    return std::nullopt;
  }
  view.question.type = get_u16(wire, view.question_end);
  view.question.klass = get_u16(wire, view.question_end + 2);
  view.question_end += 4;
  return view;
}

std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> wire) {
  const auto header = parse_header(wire);
  if (!header) {
    return std::unexpected(fmt::format("message of {} bytes is shorter than a header", wire.size()));
  }
  Message message{*header, {}, {}, {}, {}};
  std::size_t offset = header_size;
  for (std::uint16_t i = 0; i < header->qdcount; ++i) {
    Question question;
    if (!read_name(wire, offset, &question.name, nullptr) || offset + 4 > wire.size()) {
      return std::unexpected(fmt::format("question {} is truncated", i));
    }
    question.type = get_u16(wire, offset);
    question.klass = get_u16(wire, offset + 2);
    offset += 4;
    message.questions.push_back(std::move(question));
  }
  const std::array sections{std::pair{header->ancount, &message.answers},
                            std::pair{header->nscount, &message.authority},
                            std::pair{header->arcount, &message.additional}};
  for (const auto& [count, records] : sections) {
    for (std::uint16_t i = 0; i < count; ++i) {
      auto record = read_record(wire, offset);
      if (!record) {
        return std::unexpected(record.error());
      }
      records->push_back(std::move(*record));
    }
  }
  return message;
}

Bytes serialize(const Message& message) {
  Bytes out;
  put_u16(out, message.header.id);
  put_u16(out, message.header.flags);
  put_u16(out, static_cast<std::uint16_t>(message.questions.size()));
  put_u16(out, static_cast<std::uint16_t>(message.answers.size()));
  put_u16(out, static_cast<std::uint16_t>(message.authority.size()));
  put_u16(out, static_cast<std::uint16_t>(message.additional.size()));
  for (const Question& question : message.questions) {
    const Bytes name = encode_name(question.name);
    out.insert(out.end(), name.begin(), name.end());
    put_u16(out, question.type);
    put_u16(out, question.klass);
  }
  for (const auto* section : {&message.answers, &message.authority, &message.additional}) {
    for (const ResourceRecord& record : *section) {
      write_record(out, record);
    }
  }
  return out;
}

Bytes make_query(std::uint16_t id, std::string_view name, std::uint16_t type, bool recursion_desired) {
  Message query;
  query.header.id = id;
  query.header.flags = recursion_desired ? flag_rd : 0;
  query.questions.push_back(Question{std::string(name), type, class_in});
  return serialize(query);
}

Bytes encode_name(std::string_view name) {
  Bytes out;
  std::string label;
  const auto end_label = [&] {
    if (label.empty()) {
      throw std::invalid_argument(fmt::format("empty label in name '{}'", name));
    }
    if (label.size() > max_label_length) {
      throw std::invalid_argument(fmt::format("label longer than 63 bytes in name '{}'", name));
    }
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    label.clear();
  };
  if (name == "." || name.empty()) {
    return Bytes{0};
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      end_label();
    } else if (c != '\\') {
      label += c;
    } else if (i + 3 < name.size() && is_digit(name[i + 1]) && is_digit(name[i + 2]) && is_digit(name[i + 3])) {
      // \DDD: a byte by its decimal value.
      const int value = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
      if (value > 255) {
        throw std::invalid_argument(fmt::format("bad escape in name '{}'", name));
      }
      label += static_cast<char>(value);
      i += 3;
    } else if (i + 1 < name.size()) {
      label += name[++i];  // \X: X taken literally
    } else {
      throw std::invalid_argument(fmt::format("name '{}' ends with a backslash", name));
    }
  }
  if (!label.empty()) {
    end_label();  // relative text is taken as absolute
  }
  out.push_back(0);
  if (out.size() > max_name_length) {
    throw std::invalid_argument(fmt::format("name '{}' is longer than 255 bytes", name));
  }
  return out;
}

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const bool escaped_dot = out.size() >= 2 && out[out.size() - 2] == '\\';
  if (!out.empty() && out.back() == '.' && !escaped_dot) {
    out.pop_back();
  }
  return out;
}

std::string rdata_text(const ResourceRecord& record) {
  const std::span<const std::uint8_t> rdata = record.rdata;
  std::size_t offset = 0;
  switch (record.type) {
    case type_a:
    case type_aaaa: {
      const bool v4 = record.type == type_a;
      if (rdata.size() != (v4 ? 4u : 16u)) {
        break;
      }
      std::array<char, INET6_ADDRSTRLEN> text{};
      ::inet_ntop(v4 ? AF_INET : AF_INET6, rdata.data(), text.data(), static_cast<socklen_t>(text.size()));
      return text.data();
    }
    case type_ns:
    case type_cname:
    case type_ptr:
      return name_in_rdata(rdata, offset);
    case type_mx:
      if (rdata.size() < 3) {
        break;
      }
      offset = 2;
      return fmt::format("{} {}", get_u16(rdata, 0), name_in_rdata(rdata, offset));
    case type_soa: {
      const std::string mname = name_in_rdata(rdata, offset);
      const std::string rname = name_in_rdata(rdata, offset);
      if (offset + 20 != rdata.size()) {
        break;
      }
      return fmt::format("{} {} {} {} {} {} {}", mname, rname, get_u32(rdata, offset), get_u32(rdata, offset + 4),
                         get_u32(rdata, offset + 8), get_u32(rdata, offset + 12), get_u32(rdata, offset + 16));
    }
    default:
      break;
  }
  return generic_rdata_text(rdata);
}

std::optional<std::uint32_t> soa_serial(const ResourceRecord& record) {
  if (record.type != type_soa) {
    return std::nullopt;
  }
  std::size_t offset = 0;
  if (!read_name(record.rdata, offset, nullptr, nullptr) || !read_name(record.rdata, offset, nullptr, nullptr) ||
      offset + 20 != record.rdata.size()) {
    return std::nullopt;
  }
  return get_u32(record.rdata, offset);
}

}  // namespace rg::lab::dns
