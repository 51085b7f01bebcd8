#pragma once
// Consecutive-result hysteresis for one endpoint: `fall` failures in a row take it down, `rise`
// successes in a row bring it back. One failure among successes (or one success among failures)
// only restarts the count, so a flapping endpoint does not flap the state.
//
// Shaped like Envoy's HealthTransition and dnsdist's submitHealthCheckResult, but pure: it reports
// what happened and the caller decides what to log, store or alert. No clock: results are fed in
// the order they were observed.
#include <algorithm>
#include <string_view>

namespace rg {

enum class Transition {
  unchanged,  // the state holds and no flip is under way
  changed,    // this result flipped the state (up -> down or down -> up)
  pending,    // a flip is under way but its threshold is not reached yet
};

std::string_view to_string(Transition transition);

class Hysteresis {
 public:
  // Thresholds below 1 are treated as 1 (a flip on the first contrary result): the loader
  // validates them, this only keeps the class well-defined on its own.
  // start_up: an endpoint starts up so that a restart does not raise a wave of "recovered" events;
  // pass false to require `rise` successes before the first "up".
  Hysteresis(int fall, int rise, bool start_up = true);

  // Feeds one result and says whether it moved the state.
  Transition observe(bool success);

  bool is_up() const { return up_; }
  // Length of the current run of failures (0 after a success) and of successes (0 after a
  // failure). They keep counting past the threshold, so "down for 12 checks" can be shown.
  int consecutive_failures() const { return consecutive_failures_; }
  int consecutive_successes() const { return consecutive_successes_; }
  int fall() const { return fall_; }
  int rise() const { return rise_; }

  // The same state and streaks judged by new thresholds from the next result on (a configuration
  // reload that changed fall/rise): the settled state does not flip by itself.
  Hysteresis with_thresholds(int fall, int rise) const {
    Hysteresis next = *this;
    next.fall_ = std::max(fall, 1);
    next.rise_ = std::max(rise, 1);
    return next;
  }

 private:
  int fall_;
  int rise_;
  bool up_;
  int consecutive_failures_ = 0;
  int consecutive_successes_ = 0;
};

}  // namespace rg
