#include "probe_load.h"

#include <sys/resource.h>

#include <cmath>

#include "summary.h"

namespace rg::bench {

CpuTimes self_usage() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss};
}

nlohmann::ordered_json percentile_json(const std::vector<std::uint32_t>& values, double p) {
  const double value = percentile(std::vector<double>(values.begin(), values.end()), p);
  if (std::isnan(value)) return nullptr;
  return static_cast<std::uint32_t>(value);
}

}  // namespace rg::bench
