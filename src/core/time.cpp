#include "core/time.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace rg {

std::string format_iso8601(TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, millis);
}

std::string format_clock(TimePoint t) {
  return fmt::format("{:%H:%M:%S}", std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace rg
