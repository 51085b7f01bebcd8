#pragma once
// The DNS record types this program names, in one table: the numbers of RFC 1035 and its
// successors and their mnemonics. The configuration, the `probe --type` option, the prober's
// answers and the failover's DNS steps all read names and numbers from here.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rg::dns {

inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeNs = 2;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypePtr = 12;
inline constexpr std::uint16_t kTypeMx = 15;
inline constexpr std::uint16_t kTypeTxt = 16;
inline constexpr std::uint16_t kTypeAaaa = 28;
inline constexpr std::uint16_t kTypeSrv = 33;
inline constexpr std::uint16_t kTypeSvcb = 64;
inline constexpr std::uint16_t kTypeHttps = 65;
inline constexpr std::uint16_t kTypeTsig = 250;
inline constexpr std::uint16_t kTypeCaa = 257;

struct RecordTypeName {
  std::uint16_t code;
  std::string_view name;
};

// The types an endpoint of the configuration may ask for, in the order its error message lists
// them ("expected one of: A, AAAA, ...").
std::span<const RecordTypeName> configurable_record_types();

// "A" → 1 ... for every type a query may ask for (the configurable ones, HTTPS and SVCB);
// 0 (no type has it) for others, TSIG included: it only travels inside messages.
std::uint16_t record_type_code(std::string_view name);
// 1 → "A" ...; "TYPE4242" for types without a mnemonic here (RFC 3597).
std::string record_type_name(std::uint16_t code);

}  // namespace rg::dns
