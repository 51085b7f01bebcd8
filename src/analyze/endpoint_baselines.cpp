#include "analyze/endpoint_baselines.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace rg {
namespace {

struct Judged {
  const std::string* endpoint_id;
  const std::string* region;
  std::optional<double> z;
  bool error_shift = false;
  double p_value = 1.0;
  std::size_t recent_failures = 0;
  std::size_t recent_size = 0;
  double baseline_rate = 0.0;
  double median_ms = 0.0;
  double recent_ms = 0.0;
  double mad_ms = 0.0;
};

bool latency_shifted(const Judged& j, double threshold) { return j.z && *j.z >= threshold; }

// Most abnormal first: error shifts, then by z.
void sort_by_severity(std::vector<const Judged*>& judged) {
  std::ranges::stable_sort(judged, [](const Judged* a, const Judged* b) {
    if (a->error_shift != b->error_shift) return a->error_shift;
    return a->z.value_or(0.0) > b->z.value_or(0.0);
  });
}

// One widespread signal over `shifted` of `evaluated` endpoints; `region` empty for the fleet.
AnomalySignal widespread_signal(std::vector<const Judged*> shifted, std::size_t evaluated, const std::string& region,
                                double half_threshold, TimePoint at) {
  sort_by_severity(shifted);
  const auto latency = std::ranges::count_if(shifted, [&](const Judged* j) { return latency_shifted(*j, half_threshold); });
  const auto errors = std::ranges::count_if(shifted, [](const Judged* j) { return j->error_shift; });
  AnomalySignal signal;
  signal.kind = AnomalyKind::widespread;
  signal.severity = AnomalySeverity::high;
  signal.at = at;
  signal.region = region;
  for (const Judged* j : shifted) signal.endpoints.push_back(*j->endpoint_id);
  signal.score = 100.0 * static_cast<double>(shifted.size()) / static_cast<double>(evaluated);
  std::string where;
  if (region.empty()) {
    std::map<std::string, int> per_region;
    for (const Judged* j : shifted) ++per_region[*j->region];
    std::vector<std::string> parts;
    for (const auto& [name, count] : per_region) parts.push_back(fmt::format("{} {}", name, count));
    where = fmt::format(" across {}", fmt::join(parts, ", "));
  } else {
    where = " in " + region;
  }
  signal.message = fmt::format("widespread: {} of {} endpoints shifted{} (latency {}, error rate {})", shifted.size(),
                               evaluated, where, latency, errors);
  return signal;
}

}  // namespace

EndpointBaselinesOptions baselines_options(const AnomalyConfig& config) {
  EndpointBaselinesOptions options;
  options.z_threshold = config.z_threshold;
  options.widespread_percent = config.widespread_percent;
  const auto min_samples = static_cast<std::size_t>(config.min_samples);
  options.latency.min_samples = min_samples;
  options.error_rate.min_samples = min_samples;
  // The rolling window must hold the warm-up; keep the default 4:1 ratio when it is raised.
  options.latency.window = std::max(options.latency.window, 4 * min_samples);
  options.error_rate.window = std::max(options.error_rate.window, 4 * min_samples);
  return options;
}

EndpointBaselines::EndpointBaselines(const Config& config, Options options) : config_(config), options_(options) {
  for (const auto& endpoint : config_.endpoints) {
    if (endpoint.kind == ProbeKind::calculated) continue;
    tracked_.try_emplace(endpoint.id, Tracked{endpoint.region, LatencyBaseline(options_.latency),
                                              ErrorRateBaseline(options_.error_rate)});
  }
}

std::optional<double> EndpointBaselines::latency_z(const std::string& endpoint_id) const {
  const auto it = tracked_.find(endpoint_id);
  return it == tracked_.end() ? std::nullopt : it->second.latency.z();
}

std::vector<AnomalySignal> EndpointBaselines::observe(std::span<const ProbeResult> results) {
  TimePoint at{};
  std::vector<Judged> judged;
  for (const auto& result : results) {
    const auto it = tracked_.find(result.endpoint_id);
    if (it == tracked_.end()) continue;
    auto& tracked = it->second;
    at = std::max(at, result.started_at);
    if (result.success) tracked.latency.add(static_cast<double>(result.latency.count()) / 1000.0);
    tracked.errors.add(!result.success);
    const auto z = tracked.latency.z();
    const auto p = tracked.errors.p_value();
    if (!z && !p) continue;  // still warming up on both counts
    judged.push_back({&it->first, &tracked.region, z, tracked.errors.shifted(), p.value_or(1.0),
                      tracked.errors.recent_failures(), tracked.errors.recent_size(), tracked.errors.baseline_rate(),
                      tracked.latency.baseline_median().value_or(0.0), tracked.latency.recent_median().value_or(0.0),
                      tracked.latency.mad_used()});
  }

  const double half = options_.z_threshold / 2.0;
  const auto is_shifted = [&](const Judged& j) { return j.error_shift || latency_shifted(j, half); };
  const auto widespread = [&](std::size_t shifted, std::size_t evaluated) {
    return shifted >= options_.widespread_min &&
           100.0 * static_cast<double>(shifted) >= options_.widespread_percent * static_cast<double>(evaluated);
  };

  std::vector<AnomalySignal> signals;
  std::vector<const Judged*> fleet_shifted;
  for (const auto& j : judged)
    if (is_shifted(j)) fleet_shifted.push_back(&j);
  if (widespread(fleet_shifted.size(), judged.size())) {
    signals.push_back(widespread_signal(std::move(fleet_shifted), judged.size(), "", half, at));
    return signals;
  }

  std::map<std::string, std::pair<std::size_t, std::vector<const Judged*>>> regions;  // evaluated, shifted
  for (const auto& j : judged) {
    auto& [evaluated, shifted] = regions[*j.region];
    ++evaluated;
    if (is_shifted(j)) shifted.push_back(&j);
  }
  std::vector<const Judged*> single;
  for (auto& [region, entry] : regions) {
    auto& [evaluated, shifted] = entry;
    if (widespread(shifted.size(), evaluated)) {
      signals.push_back(widespread_signal(std::move(shifted), evaluated, region, half, at));
    } else {
      single.insert(single.end(), shifted.begin(), shifted.end());
    }
  }
  sort_by_severity(single);
  for (const Judged* j : single) {
    if (latency_shifted(*j, options_.z_threshold)) {
      signals.push_back({AnomalyKind::latency_drift, AnomalySeverity::warning, at, *j->endpoint_id, *j->region,
                         {*j->endpoint_id}, *j->z,
                         fmt::format("latency drift on {}: z={:.1f} (median of the last {} probes {:.1f} ms, "
                                     "baseline {:.1f} ms, MAD {:.1f} ms)",
                                     *j->endpoint_id, *j->z, options_.latency.recent, j->recent_ms, j->median_ms,
                                     j->mad_ms)});
    }
    if (j->error_shift) {
      signals.push_back({AnomalyKind::error_rate_shift, AnomalySeverity::warning, at, *j->endpoint_id, *j->region,
                         {*j->endpoint_id}, -std::log10(std::max(j->p_value, 1e-300)),
                         fmt::format("error-rate shift on {}: {} of the last {} probes failed (baseline {:.1f}%), "
                                     "p={:.1e}",
                                     *j->endpoint_id, j->recent_failures, j->recent_size, 100.0 * j->baseline_rate,
                                     j->p_value)});
    }
  }
  return signals;
}

}  // namespace rg
