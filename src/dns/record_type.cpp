#include "dns/record_type.h"

#include <array>

namespace rg::dns {
namespace {

// Three groups, in this order: the configurable types; the types that are only named when they
// come in answers or are asked for with `probe --type` (the configuration has never listed
// them); and TSIG, which no query asks for.
constexpr std::size_t kConfigurable = 10;
constexpr std::size_t kQueryable = 12;
constexpr std::array<RecordTypeName, 13> kRecordTypes{{
    {kTypeA, "A"},
    {kTypeAaaa, "AAAA"},
    {kTypeCname, "CNAME"},
    {kTypeMx, "MX"},
    {kTypeTxt, "TXT"},
    {kTypeNs, "NS"},
    {kTypeSoa, "SOA"},
    {kTypeSrv, "SRV"},
    {kTypePtr, "PTR"},
    {kTypeCaa, "CAA"},
    {kTypeHttps, "HTTPS"},
    {kTypeSvcb, "SVCB"},
    {kTypeTsig, "TSIG"},
}};

}  // namespace

std::span<const RecordTypeName> configurable_record_types() {
  return std::span(kRecordTypes).first(kConfigurable);
}

std::uint16_t record_type_code(std::string_view name) {
  for (const auto& type : std::span(kRecordTypes).first(kQueryable))
    if (type.name == name) return type.code;
  return 0;
}

std::string record_type_name(std::uint16_t code) {
  for (const auto& type : kRecordTypes)
    if (type.code == code) return std::string(type.name);
  return "TYPE" + std::to_string(code);
}

}  // namespace rg::dns
