#pragma once
// Durations in the configuration are strings with one unit: "500ms", "10s", "1m", "2h", "7d".
// A bare number is refused: "timeout: 5" could mean seconds or milliseconds, and guessing wrong
// by a factor of 1000 is worse than asking.
#include <expected>
#include <string>
#include <string_view>

#include "config/config.h"

namespace rg {

// The error text is a complete message for the value ("durations need a unit, e.g. 10s").
std::expected<Millis, std::string> parse_duration(std::string_view text);

// The shortest exact spelling in the largest unit that divides it: 1500ms -> "1500ms",
// 60000ms -> "1m", 0 -> "0s". parse_duration(format_duration(d)) == d.
std::string format_duration(Millis duration);

}  // namespace rg
