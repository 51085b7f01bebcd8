#pragma once
// The HTTP clients that drive Prometheus blackbox_exporter in the DNS and HTTP benches: each is one
// keep-alive connection asking /probe?... and reading probe_success and probe_duration_seconds
// from the answer. They run as coroutines on the bench's own io_context, outside the measured
// exporter process.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rg::bench {

struct ProbeTally {
  bool counting = true;  // cleared when the window closes; later answers are not counted
  std::uint64_t responses = 0;
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::string first_failure;
  std::vector<double> durations_us;  // probe_duration_seconds of successful probes
};

// The value of an unlabelled sample ("probe_success 1") in a Prometheus text exposition.
std::optional<double> sample(const std::string& body, std::string_view name);

// One keep-alive connection: GET `target` until `deadline`, back to back or one every `period`
// (a late request is sent at once, so the connection keeps its offered rate when it can).
boost::asio::awaitable<void> probe_client(boost::asio::ip::tcp::endpoint server, std::string target,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::optional<std::chrono::steady_clock::duration> period,
                                          ProbeTally& tally);

}  // namespace rg::bench
