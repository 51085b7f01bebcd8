#include "dns/message_writer.h"

#include <arpa/inet.h>

#include "core/text.h"

namespace rg::dns {

std::string canonical_name(std::string_view name) {
  std::string out = to_lower(name);
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
  return std::unexpected("record type " + record_type_name(type) + " is not supported");
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

}  // namespace rg::dns
