#pragma once
// Who may hold a connection to a listener, decided when it is accepted and before anything is
// read: at most `total` connections, at most `per_address` from one client, and beyond both a
// small reserve that serves only the cheap, open probes (/healthz, /readyz, /gate) with a short
// header timeout, so that a flood of idle or slow clients cannot make a health checker or Route
// 53 see the gate as closed. Pure bookkeeping on the event loop's thread; the listener turns an
// admission into what the connection may do.
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
  };
  enum class Admission { full, reserve, refused_total, refused_address };

  explicit ConnectionBudget(Limits limits) : limits_(limits) {}

  // `source` names the client's address (an IPv6 client by its /64: see address_key).
  // A full or reserve admission must be given back with release() when the connection ends.
  Admission admit(const std::string& source);
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
  std::size_t reserve_ = 0;
};

}  // namespace rg
