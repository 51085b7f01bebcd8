#pragma once
// Checks that a configured hostname can be sent as a DNS query name.
#include <optional>
#include <string>
#include <string_view>

namespace rg {

// nullopt when `name` is a valid query name: dot-separated labels of 1-63 letters, digits,
// hyphens and underscores (SRV names such as _sip._tcp.example.com), no label starting or ending
// with a hyphen, at most 253 characters; one trailing dot (fully qualified) is allowed.
// Otherwise a message saying what is wrong.
std::optional<std::string> dns_name_problem(std::string_view name);

}  // namespace rg
