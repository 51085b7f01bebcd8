#include "analyze/hysteresis.h"

#include <algorithm>

namespace rg {

std::string_view to_string(Transition transition) {
  switch (transition) {
    case Transition::unchanged: return "unchanged";
    case Transition::changed: return "changed";
    case Transition::pending: return "pending";
  }
  return "unchanged";
}

Hysteresis::Hysteresis(int fall, int rise, bool start_up)
    : fall_(std::max(fall, 1)), rise_(std::max(rise, 1)), up_(start_up) {}

Transition Hysteresis::observe(bool success) {
  if (success) {
    ++consecutive_successes_;
    consecutive_failures_ = 0;
  } else {
    ++consecutive_failures_;
    consecutive_successes_ = 0;
  }

  // A result that agrees with the current state changes nothing; its streak reset above is what
  // cancels a flip that was under way.
  if (up_ == success) return Transition::unchanged;

  const int streak = up_ ? consecutive_failures_ : consecutive_successes_;
  const int threshold = up_ ? fall_ : rise_;
  if (streak < threshold) return Transition::pending;
  up_ = !up_;
  return Transition::changed;
}

}  // namespace rg
