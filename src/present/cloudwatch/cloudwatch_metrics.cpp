#include "present/cloudwatch/cloudwatch_metrics.h"

#include <algorithm>

namespace rg {
namespace {

namespace cw = aws::cloudwatch;
namespace names = metric_names;

MetricSample sample(std::string_view name, std::vector<cw::Dimension> dimensions, std::string unit, double value) {
  return {std::string(name), std::move(dimensions), std::move(unit), value};
}

cw::Dimension region_dimension(const std::string& region) { return {"Region", region}; }

double percent(int part, int whole) { return 100.0 * static_cast<double>(part) / static_cast<double>(whole); }

std::string series_key(const MetricSample& s) {
  std::string key = s.metric_name;
  for (const auto& d : s.dimensions) key += '\x1f' + d.name + '=' + d.value;
  return key;
}

}  // namespace

bool has_response_time(ProbeKind kind) {
  return kind == ProbeKind::dns || kind == ProbeKind::http || kind == ProbeKind::tcp;
}

std::vector<MetricSample> round_samples(const AnalyzedRound& round, std::span<const RegionCascadeRisk> cascade,
                                        const std::map<std::string, std::string>& active_regions,
                                        const std::vector<ApplicationConfig>& applications) {
  std::vector<MetricSample> out;
  std::map<std::string_view, const EndpointState*> states;
  for (const auto& state : round.states) states.emplace(state.endpoint_id, &state);

  // Per check done this round: a success rate is the mean of 100s and 0s, so CloudWatch's Average
  // over any period is the share of checks that succeeded in it, whatever the rounds' sizes.
  for (const auto& observation : round.observations) {
    const auto found = states.find(observation.result.endpoint_id);
    if (found == states.end()) continue;
    const EndpointState& state = *found->second;
    if (state.kind == ProbeKind::dns) {
      const double value = observation.result.success ? 100.0 : 0.0;
      out.push_back(sample(names::kDnsSuccessRate, {region_dimension(state.region)}, "Percent", value));
      out.push_back(sample(names::kDnsSuccessRate, {}, "Percent", value));
    }
    if (has_response_time(state.kind) && observation.result.success) {
      const double ms = static_cast<double>(observation.result.latency.count()) / 1000.0;
      out.push_back(sample(names::kResponseTime, {{"Service", state.service}, region_dimension(state.region)},
                           "Milliseconds", ms));
    }
  }

  int dns = 0, dns_healthy = 0;
  for (const auto& state : round.states) {
    if (state.kind != ProbeKind::dns) continue;
    ++dns;
    if (state.status == HealthStatus::healthy) ++dns_healthy;
  }
  if (dns > 0) out.push_back(sample(names::kOverallDnsHealth, {}, "Percent", percent(dns_healthy, dns)));

  for (const auto& risk : cascade)
    out.push_back(sample(names::kCascadeRiskScore, {region_dimension(risk.region)}, "None", risk.score));
  for (const auto& score : round.scores)
    out.push_back(sample(names::kRegionHealthScore, {region_dimension(score.region)}, "None", score.score));

  for (const auto& [app, active] : active_regions) {
    const auto config = std::ranges::find(applications, app, &ApplicationConfig::name);
    std::vector<std::string> regions{active};
    if (config != applications.end()) {
      out.push_back(sample(names::kFailoverActive, {{"Application", app}}, "None", active == config->primary ? 0 : 1));
      regions = config->regions();
      if (std::ranges::find(regions, active) == regions.end()) regions.push_back(active);
    }
    for (const auto& region : regions)
      out.push_back(sample(names::kActiveRegion, {{"Application", app}, region_dimension(region)}, "None",
                           region == active ? 1 : 0));
  }
  return out;
}

void MetricAggregator::add(std::span<const MetricSample> samples) {
  for (const auto& s : samples) {
    auto [it, inserted] = series_.try_emplace(series_key(s));
    Series& series = it->second;
    if (inserted) {
      series.metric_name = s.metric_name;
      series.dimensions = s.dimensions;
      series.unit = s.unit;
      series.stats = {1, s.value, s.value, s.value};
      continue;
    }
    series.stats.sample_count += 1;
    series.stats.sum += s.value;
    series.stats.minimum = std::min(series.stats.minimum, s.value);
    series.stats.maximum = std::max(series.stats.maximum, s.value);
  }
}

std::vector<cw::MetricDatum> MetricAggregator::take(TimePoint timestamp) {
  std::vector<cw::MetricDatum> out;
  out.reserve(series_.size());
  for (auto& [key, series] : series_) {
    cw::MetricDatum datum;
    datum.metric_name = std::move(series.metric_name);
    datum.dimensions = std::move(series.dimensions);
    datum.statistic_values = series.stats;
    datum.timestamp = timestamp;
    datum.unit = std::move(series.unit);
    out.push_back(std::move(datum));
  }
  series_.clear();
  return out;
}

std::size_t batch_length(const std::deque<cw::MetricDatum>& pending, std::string_view namespace_,
                         std::size_t max_items, std::size_t max_bytes) {
  const std::string ns(namespace_);
  // The request body is the envelope plus each datum's JSON and a comma between them.
  std::size_t bytes = cw::build_put_metric_data({ns, {}}).body.size();
  const std::size_t envelope = bytes;
  std::size_t count = 0;
  for (const auto& datum : pending) {
    if (count == max_items) break;
    const std::size_t size = cw::build_put_metric_data({ns, {datum}}).body.size() - envelope + 1;
    if (count > 0 && bytes + size > max_bytes) break;
    bytes += size;
    ++count;
  }
  return count;
}

}  // namespace rg
