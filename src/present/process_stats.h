#pragma once
// The standard process_* metrics of Prometheus client libraries, read from /proc/self. Each
// value is absent when it cannot be read (another OS, a restricted /proc).
#include <cstdint>
#include <optional>

namespace rg {

struct ProcessStats {
  std::optional<double> resident_memory_bytes;
  std::optional<double> virtual_memory_bytes;
  std::optional<double> cpu_seconds;         // user + system
  std::optional<double> start_time_seconds;  // since the Unix epoch
  std::optional<std::uint64_t> open_fds;
  std::optional<std::uint64_t> max_fds;
};

ProcessStats read_process_stats();

}  // namespace rg
