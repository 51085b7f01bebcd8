#include "act/failover/dns_update.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "dns/rcode.h"

namespace rg::act::dns {
namespace {

// OpenSSL's digest name for a TSIG algorithm name (RFC 8945 section 6).
const char* digest_of(std::string_view algorithm) {
  const std::string name = canonical_name(algorithm);
  if (name == "hmac-sha256.") return "SHA256";
  if (name == "hmac-sha512.") return "SHA512";
  return nullptr;
}

std::expected<Bytes, std::string> hmac(const TsigKey& key, std::span<const std::uint8_t> data) {
  const char* digest = digest_of(key.algorithm);
  if (!digest) return std::unexpected("TSIG algorithm `" + key.algorithm + "` is not supported (hmac-sha256, hmac-sha512)");
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t length = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.secret.data(), key.secret.size(), data.data(),
                 data.size(), out.data(), out.size(), &length))
    return std::unexpected("HMAC failed");
  out.resize(length);
  return out;
}

// The TSIG variables (RFC 8945 4.3.3) after the message in the MAC input.
struct TsigFields {
  Bytes key_name;   // canonical wire form
  Bytes algorithm;  // canonical wire form
  std::uint64_t time_signed = 0;
  std::uint16_t fudge = kDefaultFudge;
  std::uint16_t error = 0;
  Bytes other;
};

void append_variables(Writer& w, const TsigFields& f) {
  w.bytes(f.key_name);
  w.u16(kClassAny);
  w.u32(0);
  w.bytes(f.algorithm);
  w.u48(f.time_signed);
  w.u16(f.fudge);
  w.u16(f.error);
  w.u16(static_cast<std::uint16_t>(f.other.size()));
  w.bytes(f.other);
}

// The TSIG RDATA read back from a message.
struct TsigRecord {
  TsigFields fields;
  Bytes mac;
  std::uint16_t original_id = 0;
};

std::expected<TsigRecord, std::string> read_tsig(std::span<const std::uint8_t> packet, const Record& record) {
  TsigRecord out;
  auto key_name = encode_name(record.name);
  if (!key_name) return std::unexpected(key_name.error());
  out.fields.key_name = std::move(*key_name);
  // The algorithm name is never compressed (RFC 8945 4.2): read it label by label.
  std::size_t at = record.rdata_offset;
  const std::size_t end = record.rdata_offset + record.rdata_length;
  std::string algorithm;
  while (at < end && packet[at] != 0) {
    const std::size_t label = packet[at];
    if (label > 63 || at + 1 + label > end) return std::unexpected("TSIG algorithm name is malformed");
    algorithm.append(reinterpret_cast<const char*>(packet.data() + at + 1), label);
    algorithm += '.';
    at += 1 + label;
  }
  ++at;  // the root label
  if (at + 10 > end) return std::unexpected("TSIG record cut short");
  auto algorithm_wire = encode_name(algorithm);
  if (!algorithm_wire) return std::unexpected(algorithm_wire.error());
  out.fields.algorithm = std::move(*algorithm_wire);
  out.fields.time_signed = static_cast<std::uint64_t>(read_u16(packet.subspan(at))) << 32 |
                           static_cast<std::uint64_t>(read_u16(packet.subspan(at + 2))) << 16 |
                           read_u16(packet.subspan(at + 4));
  out.fields.fudge = read_u16(packet.subspan(at + 6));
  const std::uint16_t mac_size = read_u16(packet.subspan(at + 8));
  at += 10;
  if (at + mac_size + 6 > end) return std::unexpected("TSIG MAC runs past the record");
  out.mac.assign(packet.begin() + static_cast<std::ptrdiff_t>(at),
                 packet.begin() + static_cast<std::ptrdiff_t>(at + mac_size));
  at += mac_size;
  out.original_id = read_u16(packet.subspan(at));
  out.fields.error = read_u16(packet.subspan(at + 2));
  const std::uint16_t other_length = read_u16(packet.subspan(at + 4));
  at += 6;
  if (at + other_length != end) return std::unexpected("TSIG other data does not fill the record");
  out.fields.other.assign(packet.begin() + static_cast<std::ptrdiff_t>(at),
                          packet.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

std::string tsig_error_hint(std::uint16_t error, const TsigKey& key) {
  switch (error) {
    case 16: return "BADSIG: the server knows key " + key.name + " but the signature does not match (wrong secret?)";
    case 17: return "BADKEY: the server does not know key " + key.name + " with algorithm " + key.algorithm;
    case 18: return "BADTIME: the clocks of this host and the server differ by more than the fudge";
    default: return rcode_name(error);
  }
}

std::string rcode_hint(int rcode) {
  switch (rcode) {
    case 5: return "REFUSED: the server's policy refuses this update (no update ACL for this key, or not the primary)";
    case 9: return "NOTAUTH: the server is not authoritative for the zone, or does not accept this key for it";
    case 10: return "NOTZONE: the name is not inside the zone";
    case 2: return "SERVFAIL: the server could not apply the update";
    default: return rcode_name(rcode);
  }
}

}  // namespace

std::expected<Bytes, std::string> decode_base64(std::string_view text) {
  Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++padding; continue; }
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else return std::unexpected(std::string("not base64: unexpected character `") + c + "`");
    if (padding) return std::unexpected("not base64: data after the padding");
    buffer = buffer << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if (bits >= 6 || padding > 2) return std::unexpected("not base64: wrong length");
  if (out.empty()) return std::unexpected("not base64: empty");
  return out;
}

bool is_supported_tsig_algorithm(std::string_view algorithm) { return digest_of(algorithm) != nullptr; }

std::expected<Bytes, std::string> build_update(std::uint16_t id, std::string_view zone, const RecordSet& records) {
  auto zone_wire = encode_name(zone);
  if (!zone_wire) return std::unexpected(zone_wire.error());
  auto name_wire = encode_name(records.name);
  if (!name_wire) return std::unexpected(name_wire.error());
  const std::string name = canonical_name(records.name);
  const std::string origin = canonical_name(zone);
  if (name != origin && !name.ends_with("." + origin))
    return std::unexpected("`" + name + "` is not inside the zone " + origin);
  Writer w;
  w.u16(id);
  w.u16(kOpcodeUpdate << 11);
  w.u16(1);  // ZOCOUNT
  w.u16(0);  // PRCOUNT: no prerequisites, the update is idempotent
  w.u16(static_cast<std::uint16_t>(1 + records.values.size()));  // UPCOUNT
  w.u16(0);  // ADCOUNT
  w.bytes(*zone_wire);
  w.u16(kTypeSoa);
  w.u16(kClassIn);
  // Delete the RRset: class ANY, TTL 0, no RDATA (RFC 2136 2.5.2).
  w.bytes(*name_wire);
  w.u16(records.type);
  w.u16(kClassAny);
  w.u32(0);
  w.u16(0);
  for (const auto& value : records.values) {
    auto rdata = encode_rdata(records.type, value);
    if (!rdata) return std::unexpected(rdata.error());
    w.bytes(*name_wire);
    w.u16(records.type);
    w.u16(kClassIn);
    w.u32(records.ttl);
    w.u16(static_cast<std::uint16_t>(rdata->size()));
    w.bytes(*rdata);
  }
  return std::move(w.out());
}

std::expected<Signed, std::string> tsig_sign(Bytes message, const TsigKey& key, std::uint64_t time_signed,
                                             std::uint16_t fudge) {
  if (message.size() < kHeaderSize) return std::unexpected("not a DNS message");
  TsigFields fields;
  auto key_name = encode_name(key.name);
  if (!key_name) return std::unexpected("TSIG key name: " + key_name.error());
  auto algorithm = encode_name(key.algorithm);
  if (!algorithm) return std::unexpected("TSIG algorithm: " + algorithm.error());
  fields.key_name = std::move(*key_name);
  fields.algorithm = std::move(*algorithm);
  fields.time_signed = time_signed;
  fields.fudge = fudge;

  Writer input;
  input.bytes(message);
  append_variables(input, fields);
  auto mac = hmac(key, input.out());
  if (!mac) return std::unexpected(mac.error());

  Writer rdata;
  rdata.bytes(fields.algorithm);
  rdata.u48(time_signed);
  rdata.u16(fudge);
  rdata.u16(static_cast<std::uint16_t>(mac->size()));
  rdata.bytes(*mac);
  rdata.u16(read_u16(message));  // original id
  rdata.u16(0);                  // error
  rdata.u16(0);                  // other length

  Writer record;
  record.bytes(fields.key_name);
  record.u16(kTypeTsig);
  record.u16(kClassAny);
  record.u32(0);
  record.u16(static_cast<std::uint16_t>(rdata.out().size()));
  record.bytes(rdata.out());

  write_u16(std::span(message).subspan(10), static_cast<std::uint16_t>(read_u16(std::span(message).subspan(10)) + 1));
  message.insert(message.end(), record.out().begin(), record.out().end());
  return Signed{std::move(message), std::move(*mac)};
}

std::expected<Message, std::string> tsig_verify(std::span<const std::uint8_t> packet, const TsigKey& key,
                                                std::optional<std::span<const std::uint8_t>> request_mac,
                                                std::uint64_t now) {
  auto message = parse_message(packet);
  if (!message) return std::unexpected("malformed message: " + message.error());
  if (message->additional.empty() || message->additional.back().type != kTypeTsig)
    return std::unexpected("not signed (no TSIG record)");
  const Record& record = message->additional.back();
  auto tsig = read_tsig(packet, record);
  if (!tsig) return std::unexpected(tsig.error());
  if (record.name != canonical_name(key.name))
    return std::unexpected("signed with key " + record.name + ", expected " + canonical_name(key.name));
  auto algorithm = encode_name(key.algorithm);
  if (!algorithm || *algorithm != tsig->fields.algorithm)
    return std::unexpected("signed with another algorithm than " + key.algorithm);
  if (tsig->fields.error != 0) return std::unexpected("TSIG error " + tsig_error_hint(tsig->fields.error, key));

  // The MAC input: the request MAC (for an answer), the message as it was before the TSIG record
  // was added (ARCOUNT one less, the original id), then the TSIG variables.
  Writer input;
  if (request_mac) {
    input.u16(static_cast<std::uint16_t>(request_mac->size()));
    input.bytes(*request_mac);
  }
  Bytes unsigned_message(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(record.start));
  write_u16(std::span(unsigned_message), tsig->original_id);
  write_u16(std::span(unsigned_message).subspan(10),
            static_cast<std::uint16_t>(read_u16(std::span(unsigned_message).subspan(10)) - 1));
  input.bytes(unsigned_message);
  append_variables(input, tsig->fields);
  auto expected = hmac(key, input.out());
  if (!expected) return std::unexpected(expected.error());
  if (tsig->mac.size() != expected->size() ||
      CRYPTO_memcmp(tsig->mac.data(), expected->data(), expected->size()) != 0)
    return std::unexpected("BADSIG: the signature does not verify with key " + key.name);
  const std::uint64_t skew = now > tsig->fields.time_signed ? now - tsig->fields.time_signed
                                                            : tsig->fields.time_signed - now;
  if (skew > tsig->fields.fudge)
    return std::unexpected("BADTIME: signed " + std::to_string(skew) + " s away from now, fudge " +
                           std::to_string(tsig->fields.fudge) + " s");
  message->additional.pop_back();
  return message;
}

std::expected<void, std::string> check_update_answer(std::span<const std::uint8_t> packet, std::uint16_t id,
                                                     const TsigKey& key, std::span<const std::uint8_t> request_mac,
                                                     std::uint64_t now) {
  auto message = parse_message(packet);
  if (!message) return std::unexpected("malformed answer: " + message.error());
  if (message->id != id || !message->response()) return std::unexpected("not an answer to our update");
  if (((message->flags >> 11) & 0xF) != kOpcodeUpdate) return std::unexpected("answer is not an UPDATE answer");
  const bool signed_answer = !message->additional.empty() && message->additional.back().type == kTypeTsig;
  if (!signed_answer) {
    // A server that cannot verify us may answer unsigned (RFC 8945 5.3.2); say what it said.
    if (message->rcode != 0) return std::unexpected("update failed: " + rcode_hint(message->rcode) + " (answer unsigned)");
    return std::unexpected("the server's answer is not signed: cannot trust that the update was applied");
  }
  auto verified = tsig_verify(packet, key, request_mac, now);
  if (!verified) {
    const std::string rcode = message->rcode != 0 ? rcode_name(message->rcode) + " " : std::string();
    return std::unexpected("update failed: " + rcode + verified.error());
  }
  if (verified->rcode != 0) return std::unexpected("update failed: " + rcode_hint(verified->rcode));
  return {};
}

}  // namespace rg::act::dns
