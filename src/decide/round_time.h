#pragma once
// The two clocks a failover round is read on. The wall clock dates observations (a check's
// last_check, the journal's created_at) and says whether they are fresh; the monotonic clock
// measures every duration the policy keeps itself — cool-down, the hourly limit, failback_after,
// promote_after — so that an NTP step or an operator setting the clock neither ends a cool-down
// early, nor makes a primary look healthy for an hour it was not watched, nor stretches a wait
// (issue 15, section 6).
#include <algorithm>
#include <chrono>

#include "core/time.h"

namespace rg {

using SteadyClock = std::chrono::steady_clock;
using SteadyPoint = std::chrono::time_point<SteadyClock, std::chrono::microseconds>;

inline SteadyPoint steady_now_us() { return std::chrono::time_point_cast<std::chrono::microseconds>(SteadyClock::now()); }

// One round's instant on both clocks, read together.
struct RoundTime {
  TimePoint wall{};
  SteadyPoint steady{};
};

// A past wall-clock instant (a journal row) on the monotonic clock: as long ago as the wall clock
// says now, and never later than now — a wall clock set back must not put the past in the
// future. Convert once, when the row is first read: converting again after a jump would move it.
inline SteadyPoint steady_at(TimePoint wall_at, RoundTime now) {
  const auto ago = std::max(now.wall - wall_at, std::chrono::microseconds{0});
  return now.steady - ago;
}

}  // namespace rg
