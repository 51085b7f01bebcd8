#include "config/duration.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace rg {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Largest first, so format_duration picks the largest unit that divides the value.
constexpr std::array<Unit, 5> units{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string invalid(std::string_view text) {
  return "invalid duration `" + std::string(text) +
         "` (expected a whole number and a unit: ms, s, m, h or d, e.g. 10s)";
}

}  // namespace

std::expected<Millis, std::string> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) {
    ++digits;
  }
  if (digits == 0) {
    return std::unexpected(invalid(text));
  }
  const std::string_view suffix = text.substr(digits);
  if (suffix.empty()) {
    return std::unexpected("durations need a unit, e.g. 10s");
  }
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
  if (ec != std::errc{}) {
    return std::unexpected("duration `" + std::string(text) + "` is too large");
  }
  for (const Unit& unit : units) {
    if (suffix != unit.suffix) {
      continue;
    }
    if (count > std::numeric_limits<std::int64_t>::max() / unit.millis) {
      return std::unexpected("duration `" + std::string(text) + "` is too large");
    }
    return Millis{count * unit.millis};
  }
  return std::unexpected(invalid(text));
}

std::string format_duration(Millis duration) {
  const std::int64_t millis = duration.count();
  if (millis == 0) {
    return "0s";
  }
  for (const Unit& unit : units) {
    if (millis % unit.millis == 0) {
      return std::to_string(millis / unit.millis) + std::string(unit.suffix);
    }
  }
  return std::to_string(millis) + "ms";  // unreachable: every count divides by 1
}

}  // namespace rg
