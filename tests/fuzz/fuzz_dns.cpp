// Fuzz target: DNS messages from the network, one reader per selector byte (tests/fuzz/README.md):
//
//   0 a probe's response (dns/message_reader.h, parse_response), and the TC-bit check the TCP fallback makes
//   1 a whole message with every section (dns/message_reader.h, parse_message), as the DNS failover steps read it
//   2 the answer to an RFC 2136 UPDATE signed with TSIG (check_update_answer)
//   3 a TSIG-signed message verified as a request (tsig_verify)
//   4 a base64 TSIG secret
//
// A message is what any host on the path can send: every reader returns a value or an error.
#include <span>

#include "act/failover/dns_update.h"
#include "dns/message_reader.h"
#include "fuzz/fuzz_input.h"

namespace {

namespace dns = rg::act::dns;

constexpr std::uint64_t kNow = 1'795'000'000;

const dns::TsigKey& key() {
  static const dns::TsigKey k{"failover-key", "hmac-sha256",
                              dns::decode_base64("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==").value()};
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, rest] = rg::fuzz::select(data, size, 5);
  const std::span<const std::uint8_t> packet(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());
  const dns::Bytes request_mac(32, 0x5a);
  switch (selector) {
    case 0:
      (void)rg::dns::parse_response(packet);
      (void)rg::dns::response_truncated(packet);
      break;
    case 1: (void)dns::parse_message(packet); break;
    case 2: {
      const std::uint16_t id = packet.size() >= 2 ? dns::read_u16(packet) : 0;  // the id we would have sent
      (void)dns::check_update_answer(packet, id, key(), request_mac, kNow);
      break;
    }
    case 3: (void)dns::tsig_verify(packet, key(), std::nullopt, kNow); break;
    case 4: (void)dns::decode_base64(rest); break;
    default: break;
  }
  return 0;
}
