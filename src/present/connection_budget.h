#pragma once
// Who may hold a connection to a listener, decided when it is accepted and before anything is
// read: at most `total` connections, at most `per_address` from one client, and beyond both a
// small reserve that serves only the cheap, open probes (/healthz, /readyz, /gate) with a short
// header timeout, so that a flood of idle or slow clients cannot make a health checker or Route
// 53 see the gate as closed. Attackers from many addresses can fill any reserve, so part of it
// is kept for known probers: sources that recently had a probe answered (RecentProbers). Pure
// bookkeeping on the event loop's thread; the listener turns an admission into what the
// connection may do.
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace rg {

class ConnectionBudget {
 public:
  struct Limits {
    std::size_t total = 1024;
    std::size_t per_address = 64;
    std::size_t reserve = 32;             // health-only connections beyond `total` or `per_address`
    std::size_t reserve_per_address = 4;  // so that one source cannot take the reserve either
    std::size_t reserve_open = 16;        // of `reserve`, what sources that are not known probers may take
  };
  // reserve: a reserve place any source may take; reserve_known: one kept for known probers.
  enum class Admission { full, reserve, reserve_known, refused_total, refused_address };

  explicit ConnectionBudget(Limits limits) : limits_(limits) {}

  // `source` names the client's address (an IPv6 client by its /64: see address_key).
  // A full or reserve admission must be given back with release() when the connection ends.
  Admission admit(const std::string& source, bool known_prober = false);
  void release(const std::string& source, Admission admission);

  std::size_t open() const { return full_ + reserve_; }
  std::size_t open_from(const std::string& source) const;
  const Limits& limits() const { return limits_; }

 private:
  struct Held {
    std::size_t full = 0;
    std::size_t reserve = 0;
  };
  Limits limits_;
  std::unordered_map<std::string, Held> held_;
  std::size_t full_ = 0;
  std::size_t reserve_ = 0;       // both kinds
  std::size_t reserve_open_ = 0;  // Admission::reserve only
};

// Sources whose /healthz, /readyz or /gate request was answered recently (a health checker, Route
// 53's checkers), remembered for `memory` so the reserve can keep places for them. Bounded: past
// `max_sources`, the oldest are forgotten.
class RecentProbers {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RecentProbers(Clock::duration memory = std::chrono::minutes(10), std::size_t max_sources = 10'000)
      : memory_(memory), max_sources_(max_sources) {}
  void note(const std::string& source, Clock::time_point now);
  bool contains(const std::string& source, Clock::time_point now) const;

 private:
  Clock::duration memory_;
  std::size_t max_sources_;
  std::unordered_map<std::string, Clock::time_point> seen_;
};

}  // namespace rg
