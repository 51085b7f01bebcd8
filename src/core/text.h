#pragma once
// Small text helpers that several layers need (HTTP headers, AWS answers and files, bearer
// tokens), kept once here instead of a copy in each file. ASCII only: they compare and fold
// protocol tokens, never user-facing text.
#include <string>
#include <string_view>

namespace rg {

// `text` without leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view text);

// Equal ignoring ASCII case ("Content-Type" and "content-type").
bool iequals(std::string_view a, std::string_view b);

// ASCII upper-case letters folded to lower case.
std::string to_lower(std::string_view text);
// ASCII lower-case letters raised to upper case (record type names, service display names).
std::string to_upper(std::string_view text);

}  // namespace rg
