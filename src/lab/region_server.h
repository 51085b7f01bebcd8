#pragma once

// One "regional" application server of the lab: `/health` answers 200 while the region is well,
// `/` names its region (so a client sees where it landed). Its faults are what a sick regional
// front end does: answer 500, hang (accept, never answer), or answer slowly.

#include "lab/http_server.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace rg::lab {

enum class HttpFault { ok, http_500, hang, slow };

std::string_view to_string(HttpFault fault);
std::optional<HttpFault> parse_http_fault(std::string_view text);  // "ok", "http-500", "hang", "slow"

class RegionServer {
 public:
  // The latency of `slow` unless set_fault says otherwise: above the lab's warning band (200 ms),
  // below its check timeout (500 ms), so a check sees a slow answer, not a timeout.
  static constexpr std::chrono::milliseconds default_slow_delay{300};

  RegionServer(std::string region, const std::string& address);

  void set_fault(HttpFault fault, std::chrono::milliseconds slow_delay = default_slow_delay);
  HttpFault fault() const;

  const std::string& region() const { return region_; }
  const std::string& address() const { return server_->address(); }
  std::uint16_t port() const { return server_->port(); }
  std::string url(const std::string& target) const { return server_->url(target); }

 private:
  HttpReply handle(const HttpRequest& request) const;

  std::string region_;
  mutable std::mutex mutex_;
  HttpFault fault_ = HttpFault::ok;
  std::chrono::milliseconds slow_delay_ = default_slow_delay;
  std::unique_ptr<HttpServer> server_;  // last: its thread calls handle()
};

}  // namespace rg::lab
