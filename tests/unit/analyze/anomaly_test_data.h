#pragma once
// Rounds of probe results for the anomaly tests: a fleet of DNS endpoints in three regions that
// answer in about 20 ms with a little deterministic noise (SplitMix64, so the same numbers on
// every platform), and helpers to push some of them slower or into failure. Time is narrated:
// round r starts at kStart + r × 10 s.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/probe_result.h"

namespace rg::anomaly_test {

using namespace std::chrono_literals;

inline const TimePoint kStart = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z
inline const std::vector<std::string> kRegions{"us-east-1", "us-west-2", "eu-west-1"};

// Uniform in [−1, 1), deterministic for (round, index).
inline double noise(std::uint64_t round, std::uint64_t index) {
  std::uint64_t z = round * 0x9E3779B97F4A7C15ull + index * 0xBF58476D1CE4E5B9ull + 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(1ull << 52) - 1.0;
}

// "svcN.REGION.example" for N in [0, per_region), in every region.
inline Config fleet_config(int per_region) {
  Config config;
  config.regions = kRegions;
  config.services = {ServiceConfig{"svc", "SVC", Priority::medium, std::nullopt, {}}};
  for (const auto& region : kRegions)
    for (int n = 0; n < per_region; ++n) {
      EndpointConfig e;
      e.id = "svc" + std::to_string(n) + "." + region + ".example";
      e.hostname = e.id;
      e.service = "svc";
      e.region = region;
      config.endpoints.push_back(e);
    }
  return config;
}

// Roughly standard normal (the sum of three uniforms; sd 1, never beyond ±3), deterministic.
inline double gaussian(std::uint64_t round, std::uint64_t index) {
  return noise(round, index) + noise(round, index + 1'000'003) + noise(round, index + 2'000'003);
}

// A healthy answer: about 20 ms, right-skewed as real latencies are (20 ms · e^(0.1·N), so mostly
// 18-22 ms and rarely up to 27 ms), two A records whose TTL counts down from 60 as a cache's does.
inline ProbeResult normal_result(const std::string& id, int round, std::size_t index) {
  ProbeResult r;
  r.endpoint_id = id;
  r.started_at = kStart + std::chrono::seconds(10 * round);
  r.success = true;
  r.rcode = 0;
  const double ms = 20.0 * std::exp(0.1 * gaussian(static_cast<std::uint64_t>(round), index));
  r.latency = std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000.0));
  const auto ttl = static_cast<std::uint32_t>(60 - (static_cast<std::size_t>(round) + 7 * index) % 60);
  r.answers = {{"A", "192.0.2.1", ttl}, {"A", "192.0.2.2", ttl}};
  return r;
}

// The empty answer of October 2025.
inline ProbeResult nodata_result(const std::string& id, int round) {
  ProbeResult r;
  r.endpoint_id = id;
  r.started_at = kStart + std::chrono::seconds(10 * round);
  r.failure = FailureKind::nodata;
  r.rcode = 0;
  r.latency = 15ms;
  r.error = "NOERROR with no A records";
  return r;
}

inline std::vector<ProbeResult> normal_round(const Config& config, int round) {
  std::vector<ProbeResult> results;
  for (std::size_t i = 0; i < config.endpoints.size(); ++i)
    results.push_back(normal_result(config.endpoints[i].id, round, i));
  return results;
}

inline void add_latency(ProbeResult& result, double ms) {
  result.latency += std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000.0));
}

}  // namespace rg::anomaly_test
