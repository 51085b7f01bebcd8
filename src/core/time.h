#pragma once
// Wall-clock instants are passed in, never read inside analysis code, so tests can narrate time.
#include <chrono>
#include <cstdint>
#include <string>

namespace rg {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::microseconds>;

inline TimePoint now_us() { return std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now()); }
inline std::int64_t to_unix_us(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix_us(std::int64_t us) { return TimePoint{std::chrono::microseconds{us}}; }

// "2026-11-21T07:50:25.123Z"
std::string format_iso8601(TimePoint t);
// "07:50:25" in UTC, as the seed's "Last check" column.
std::string format_clock(TimePoint t);

}  // namespace rg
