#include "present/connection_budget.h"

namespace rg {

ConnectionBudget::Admission ConnectionBudget::admit(const std::string& source, bool known_prober) {
  Held& held = held_[source];
  if (full_ < limits_.total && held.full < limits_.per_address) {
    ++held.full;
    ++full_;
    return Admission::full;
  }
  if (reserve_ < limits_.reserve && held.reserve < limits_.reserve_per_address) {
    // Open places first, so that the kept ones stay free for the probers that need them.
    if (reserve_open_ < limits_.reserve_open) {
      ++held.reserve;
      ++reserve_;
      ++reserve_open_;
      return Admission::reserve;
    }
    if (known_prober) {
      ++held.reserve;
      ++reserve_;
      return Admission::reserve_known;
    }
  }
  const bool address_full = held.full >= limits_.per_address;
  if (held.full == 0 && held.reserve == 0) held_.erase(source);
  return address_full ? Admission::refused_address : Admission::refused_total;
}

void ConnectionBudget::release(const std::string& source, Admission admission) {
  const auto it = held_.find(source);
  if (it == held_.end()) return;
  Held& held = it->second;
  if (admission == Admission::full && held.full > 0) {
    --held.full;
    --full_;
  } else if ((admission == Admission::reserve || admission == Admission::reserve_known) && held.reserve > 0) {
    --held.reserve;
    --reserve_;
    if (admission == Admission::reserve) --reserve_open_;
  }
  if (held.full == 0 && held.reserve == 0) held_.erase(it);
}

std::size_t ConnectionBudget::open_from(const std::string& source) const {
  const auto it = held_.find(source);
  return it == held_.end() ? 0 : it->second.full + it->second.reserve;
}

void RecentProbers::note(const std::string& source, Clock::time_point now) {
  if (seen_.size() >= max_sources_ && !seen_.contains(source)) {
    std::erase_if(seen_, [&](const auto& entry) { return now - entry.second >= memory_; });
    if (seen_.size() >= max_sources_) seen_.clear();
  }
  seen_[source] = now;
}

bool RecentProbers::contains(const std::string& source, Clock::time_point now) const {
  const auto it = seen_.find(source);
  return it != seen_.end() && now - it->second < memory_;
}

}  // namespace rg
