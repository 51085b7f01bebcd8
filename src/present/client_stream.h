#pragma once
// The stream types of a client connection, and what every connection coroutine shares: a TCP
// stream whose rate policy counts what the client sends and, for a WebSocket client (which has
// nothing to say on the one-way stream beyond pongs and a close), caps it. A flood of tiny or
// empty frames — which Beast reads whole without returning to the session — then stalls on the
// cap instead of pinning the loop, and the session is told so it can close with 1008.
#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/rate_policy.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <limits>
#include <utility>
#include <string_view>

namespace rg {

class ClientRatePolicy {
 public:
  // From now on at most `bytes_per_second` are read in any one-second slice; the first time a
  // slice's budget is spent, `on_flood` is called (once).
  void limit_reads(std::size_t bytes_per_second, std::function<void()> on_flood) {
    limit_ = bytes_per_second;
    remaining_ = bytes_per_second;
    slice_start_ = std::chrono::steady_clock::now();
    on_flood_ = std::move(on_flood);
  }

 private:
  friend class boost::beast::rate_policy_access;
  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

  std::size_t available_read_bytes() {
    if (limit_ == kUnlimited) return kUnlimited;
    const auto now = std::chrono::steady_clock::now();
    if (now - slice_start_ >= std::chrono::seconds(1)) {
      slice_start_ = now;
      remaining_ = limit_;
    }
    return remaining_;
  }
  void transfer_read_bytes(std::size_t n) {
    if (limit_ == kUnlimited) return;
    remaining_ -= std::min(n, remaining_);
    if (remaining_ == 0 && on_flood_) std::exchange(on_flood_, nullptr)();
  }
  std::size_t available_write_bytes() { return kUnlimited; }
  void transfer_write_bytes(std::size_t) {}
  void on_timer() {}

  std::size_t limit_ = kUnlimited;
  std::size_t remaining_ = kUnlimited;
  std::chrono::steady_clock::time_point slice_start_{};
  std::function<void()> on_flood_;
};

using ClientStream =
    boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::any_io_executor, ClientRatePolicy>;
using ClientTlsStream = boost::beast::ssl_stream<ClientStream>;

// Expected I/O outcomes come back as values (error codes), not exceptions.
inline constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

// co_spawn completion: the coroutine's boundary, where the unexpected is caught and logged.
std::function<void(std::exception_ptr)> log_unexpected(std::string_view what);

}  // namespace rg
