#include "analyze/health_summary.h"

#include <algorithm>
#include <cstdint>

#include "analyze/uptime.h"

namespace rg {
namespace {

// Mean latency over successful probes only. A failed probe's latency is how long we waited before
// giving up (the timeout, typically 5 s), not how fast the service answers: counting it would
// drag every average towards the timeout and hide the real latency of the endpoints still up.
class LatencyMean {
 public:
  void add(const EndpointState& state) {
    if (!state.success) return;
    sum_us_ += state.latency.count();
    ++count_;
  }
  std::chrono::microseconds value() const {
    return std::chrono::microseconds{count_ == 0 ? 0 : sum_us_ / count_};
  }

 private:
  std::int64_t sum_us_ = 0;
  std::int64_t count_ = 0;
};

ServiceSummary summarize_service(const std::vector<const EndpointState*>& states) {
  ServiceSummary summary;
  summary.service = states.front()->service;
  summary.display_name = states.front()->service_display;
  if (summary.display_name.empty()) summary.display_name = summary.service;
  LatencyMean mean;
  for (const EndpointState* state : states) {
    summary.status = std::max(summary.status, state->status);
    ++summary.endpoints;
    if (state->status == HealthStatus::healthy) ++summary.healthy;
    mean.add(*state);
  }
  summary.average_latency = mean.value();
  return summary;
}

RegionSummary summarize_region(const std::string& region,
                               const std::vector<const EndpointState*>& states) {
  RegionSummary summary;
  summary.region = region;
  // Group by service keeping first-seen order (a handful of services: a linear scan is clearest).
  std::vector<std::vector<const EndpointState*>> by_service;
  for (const EndpointState* state : states) {
    summary.status = std::max(summary.status, state->status);
    ++summary.total;
    if (state->status == HealthStatus::healthy) ++summary.healthy;
    auto group = std::ranges::find_if(
        by_service, [&](const auto& g) { return g.front()->service == state->service; });
    if (group == by_service.end()) {
      by_service.push_back({state});
    } else {
      group->push_back(state);
    }
  }
  for (const auto& group : by_service) summary.services.push_back(summarize_service(group));
  return summary;
}

std::string first_address_of(const std::vector<DnsAnswer>& answers) {
  // Prefer an address over, say, the CNAME that leads to it: the column is "IP".
  const auto address =
      std::ranges::find_if(answers, [](const DnsAnswer& a) { return a.type == "A" || a.type == "AAAA"; });
  if (address != answers.end()) return address->data;
  return answers.empty() ? std::string{} : answers.front().data;
}

}  // namespace

EndpointState make_endpoint_state(const EndpointConfig& endpoint, const ServiceConfig* service,
                                  const ProbeResult& latest, HealthStatus status,
                                  const UptimeStats& uptime) {
  EndpointState state;
  state.endpoint_id = endpoint.id;
  state.hostname = endpoint.hostname;
  state.service = endpoint.service;
  state.service_display = (service != nullptr && !service->display_name.empty()) ? service->display_name
                                                                                  : endpoint.service;
  state.region = endpoint.region;
  state.status = status;
  state.success = latest.success;
  state.failure = latest.failure;
  state.latency = latest.latency;
  // For HTTP and TCP checks the address actually connected to; for DNS the first address answered.
  state.first_address = latest.http ? latest.http->remote_address : first_address_of(latest.answers);
  state.last_check = latest.started_at;
  state.interval = endpoint.interval;
  state.uptime = uptime;
  state.kind = endpoint.kind;
  state.priority = service != nullptr ? service->priority : Priority::medium;
  state.resource = latest.resource;
  return state;
}

HealthSummary summarize(const std::vector<EndpointState>& states,
                        const std::vector<std::string>& region_order) {
  HealthSummary summary;
  LatencyMean mean;
  UptimeStats uptime;
  for (const auto& state : states) {
    ++summary.total;
    switch (state.status) {
      case HealthStatus::healthy: ++summary.healthy; break;
      case HealthStatus::warning: ++summary.warning; break;
      case HealthStatus::critical: ++summary.critical; break;
    }
    mean.add(state);
    uptime = combine(uptime, state.uptime);
  }
  summary.average_latency = mean.value();
  summary.uptime_percent = uptime.uptime_percent();

  // Config order first, then regions the config does not list (should not happen once the loader
  // has validated endpoints, but a state must never vanish from the summary).
  std::vector<std::string> order;
  auto add_region = [&](const std::string& region) {
    if (std::ranges::find(order, region) == order.end()) order.push_back(region);
  };
  for (const auto& region : region_order) add_region(region);
  for (const auto& state : states) add_region(state.region);

  for (const auto& region : order) {
    std::vector<const EndpointState*> in_region;
    for (const auto& state : states)
      if (state.region == region) in_region.push_back(&state);
    if (in_region.empty()) continue;
    summary.regions.push_back(summarize_region(region, in_region));
  }
  return summary;
}

}  // namespace rg
