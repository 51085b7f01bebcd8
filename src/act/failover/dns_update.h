#pragma once
// RFC 2136 dynamic updates signed with TSIG (RFC 8945), for zones served by BIND, Knot or
// PowerDNS instead of Route 53. Pure message work: building the UPDATE, signing it, verifying
// the server's signature on the answer and saying what the answer means, over the wire reader
// and writer of dns/. Sending is dns/exchange.h, the plan step dns_update_step.h.
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/message_reader.h"
#include "dns/message_writer.h"

namespace rg::act::dns {

// The failover's DNS work speaks the wire layer's vocabulary (Bytes, Writer, kTypeA, ...)
// unqualified, as when it all lived here.
using namespace rg::dns;

inline constexpr std::uint16_t kDefaultFudge = 300;  // seconds of clock skew allowed (RFC 8945 5.2.3)

struct TsigKey {
  std::string name;                       // the key's name as the server knows it ("failover-key")
  std::string algorithm = "hmac-sha256";  // hmac-sha256 | hmac-sha512
  Bytes secret;                           // decoded from base64
};

std::expected<Bytes, std::string> decode_base64(std::string_view text);
bool is_supported_tsig_algorithm(std::string_view algorithm);

// One RRset as it should be after the update; no values: the RRset is deleted.
struct RecordSet {
  std::string name;
  std::uint16_t type = kTypeA;
  std::uint32_t ttl = 60;
  std::vector<std::string> values;
};

// An UPDATE for `zone`: no prerequisites; delete the RRset (name, type), then add each value.
// One message, so the server applies it atomically: the name is never without an answer.
std::expected<Bytes, std::string> build_update(std::uint16_t id, std::string_view zone, const RecordSet& records);

struct Signed {
  Bytes message;  // with the TSIG record appended and ARCOUNT raised
  Bytes mac;      // the request MAC, which the server's answer signs over
};
// Appends a TSIG record: MAC over the message and the TSIG variables, `time_signed` in seconds
// since the epoch.
std::expected<Signed, std::string> tsig_sign(Bytes message, const TsigKey& key, std::uint64_t time_signed,
                                             std::uint16_t fudge = kDefaultFudge);

// Checks the TSIG record that ends `packet`: the key and algorithm, the MAC (over the request
// MAC first when `request_mac` is given, as for an answer), and the time within the fudge of
// `now`. On success, the message parsed. A TSIG error the server put in the record (BADSIG,
// BADKEY, BADTIME: the server did not accept our signature) is reported by name.
std::expected<Message, std::string> tsig_verify(std::span<const std::uint8_t> packet, const TsigKey& key,
                                                std::optional<std::span<const std::uint8_t>> request_mac,
                                                std::uint64_t now);

// The answer to a signed UPDATE: ok when NOERROR and signed by `key` over our request; otherwise
// what went wrong, with the RCODE and TSIG error by name ("NOTAUTH (TSIG error BADKEY): the
// server does not know key ...").
std::expected<void, std::string> check_update_answer(std::span<const std::uint8_t> packet, std::uint16_t id,
                                                     const TsigKey& key, std::span<const std::uint8_t> request_mac,
                                                     std::uint64_t now);

}  // namespace rg::act::dns
