#pragma once

// The lab's client: what an application's users do during a failover. It resolves the
// application's name through the lab's DNS front as a stub resolver with a cache does (an answer
// is kept for its TTL, never longer), and sends an HTTP request every 100 ms to the address it
// holds. Each request is recorded: when, which region answered, whether it succeeded. From these a
// scenario tells when clients reached the new region and how many requests failed on the way.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rg::lab {

struct ClientRequest {
  std::chrono::steady_clock::time_point at{};
  std::string region{};  // the region whose server answered, "" when the request failed
  bool ok = false;
  std::string error{};  // why it failed: "dns: ...", "http: ...", "status 500"
};

struct LabClientOptions {
  std::string dns_address = "127.0.0.1";
  std::uint16_t dns_port = 53;
  std::string name{};  // the application's name
  // The HTTP port of the server at an address (the lab's regions listen on their own addresses).
  std::function<std::optional<std::uint16_t>(const std::string& address)> port_of{};
  std::chrono::milliseconds every{100};
  std::chrono::milliseconds timeout{500};
};

class LabClient {
 public:
  explicit LabClient(LabClientOptions options);
  ~LabClient();  // stops the thread

  LabClient(const LabClient&) = delete;
  LabClient& operator=(const LabClient&) = delete;

  std::vector<ClientRequest> requests() const;

 private:
  void run();
  // The cached address, or a fresh lookup when the cache has expired; "" with the error on failure.
  std::string resolve(std::string& error);

  LabClientOptions options_;
  std::uint16_t query_id_ = 0x6c61;
  std::string cached_address_;
  std::chrono::steady_clock::time_point cache_expires_{};
  mutable std::mutex mutex_;
  std::vector<ClientRequest> requests_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last member
};

}  // namespace rg::lab
