#include "present/connection_budget.h"

namespace rg {

ConnectionBudget::Admission ConnectionBudget::admit(const std::string& source) {
  Held& held = held_[source];
  if (full_ < limits_.total && held.full < limits_.per_address) {
    ++held.full;
    ++full_;
    return Admission::full;
  }
  if (reserve_ < limits_.reserve && held.reserve < limits_.reserve_per_address) {
    ++held.reserve;
    ++reserve_;
    return Admission::reserve;
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
  } else if (admission == Admission::reserve && held.reserve > 0) {
    --held.reserve;
    --reserve_;
  }
  if (held.full == 0 && held.reserve == 0) held_.erase(it);
}

std::size_t ConnectionBudget::open_from(const std::string& source) const {
  const auto it = held_.find(source);
  return it == held_.end() ? 0 : it->second.full + it->second.reserve;
}

}  // namespace rg
