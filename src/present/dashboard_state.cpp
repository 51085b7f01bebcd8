#include "present/dashboard_state.h"

#include "present/json_views.h"

namespace rg {

using nlohmann::json;

DashboardState::DashboardState(const Config& config) : config_(&config) {
  for (std::size_t i = 0; i < config_->endpoints.size(); ++i) endpoint_index_.emplace(config_->endpoints[i].id, i);
}

void DashboardState::reconfigure(const Config& config) {
  config_ = &config;
  endpoint_index_.clear();
  for (std::size_t i = 0; i < config_->endpoints.size(); ++i) endpoint_index_.emplace(config_->endpoints[i].id, i);
  std::erase_if(states_, [this](const EndpointState& s) { return !endpoint_index_.contains(s.endpoint_id); });
  state_index_.clear();
  for (std::size_t i = 0; i < states_.size(); ++i) state_index_.emplace(states_[i].endpoint_id, i);
  std::erase_if(latest_, [this](const auto& entry) { return !endpoint_index_.contains(entry.first); });
}

void DashboardState::update(std::uint64_t round, TimePoint at, const AnalyzedRound& analyzed) {
  round_ = round;
  updated_at_ = at;
  states_ = analyzed.states;
  state_index_.clear();
  for (std::size_t i = 0; i < states_.size(); ++i) state_index_.emplace(states_[i].endpoint_id, i);
  // A round carries only the endpoints that were due; the others keep their previous result.
  for (const auto& observation : analyzed.observations)
    latest_.insert_or_assign(observation.result.endpoint_id, observation.result);
  summary_ = analyzed.summary;
  events_ = analyzed.events;
  trend_.push_back({at, summary_.healthy, summary_.warning, summary_.critical});
  if (trend_.size() > kMaxTrendRounds) trend_.pop_front();
}

const ProbeResult* DashboardState::latest_result(const std::string& id) const {
  const auto it = latest_.find(id);
  return it == latest_.end() ? nullptr : &it->second;
}

const EndpointConfig* DashboardState::endpoint_config(const std::string& id) const {
  const auto it = endpoint_index_.find(id);
  return it == endpoint_index_.end() ? nullptr : &config_->endpoints[it->second];
}

json DashboardState::summary_json() const {
  json out = summary_counts_json(summary_);
  out["round"] = round_;
  out["updated_at"] = updated_at_ ? json(format_iso8601(*updated_at_)) : json(nullptr);
  out["uptime_window_hours"] = config_->uptime_window.count();
  json regions = json::array();
  for (const auto& region : summary_.regions) regions.push_back(region_json(region, false));
  out["regions"] = std::move(regions);
  return out;
}

json DashboardState::regions_json() const {
  json regions = json::array();
  for (const auto& region : summary_.regions) regions.push_back(region_json(region, true));
  return regions;
}

json DashboardState::endpoint_view(const EndpointConfig& endpoint) const {
  const auto it = state_index_.find(endpoint.id);
  if (it == state_index_.end()) return unprobed_endpoint_json(endpoint, config_->find_service(endpoint.service));
  return rg::endpoint_json(states_[it->second], latest_result(endpoint.id), endpoint.kind);
}

json DashboardState::endpoints_json(const EndpointFilter& filter) const {
  json out = json::array();
  for (const auto& endpoint : config_->endpoints) {
    if (filter.region && endpoint.region != *filter.region) continue;
    if (filter.service && endpoint.service != *filter.service) continue;
    if (filter.kind && endpoint.kind != *filter.kind) continue;
    if (filter.status) {
      const auto it = state_index_.find(endpoint.id);
      if (it == state_index_.end() || states_[it->second].status != *filter.status) continue;
    }
    out.push_back(endpoint_view(endpoint));
  }
  return out;
}

std::optional<json> DashboardState::endpoint_json(const std::string& id) const {
  const auto* endpoint = endpoint_config(id);
  if (!endpoint) return std::nullopt;
  return endpoint_view(*endpoint);
}

json DashboardState::trend_json(std::size_t rounds) const {
  json out = json::array();
  const std::size_t count = std::min(rounds, trend_.size());
  for (auto it = trend_.end() - static_cast<std::ptrdiff_t>(count); it != trend_.end(); ++it)
    out.push_back({{"at", format_iso8601(it->at)},
                   {"healthy", it->healthy},
                   {"warning", it->warning},
                   {"critical", it->critical}});
  return out;
}

std::string DashboardState::stream_message(std::string_view type, TimePoint published_at) const {
  json events = json::array();
  if (type != "snapshot")
    for (const auto& event : events_) events.push_back(event_json(event));
  json anomalies = json::array();
  for (const auto& signal : anomalies_) anomalies.push_back(anomaly_json(signal));
  const json message{{"type", type},
                     {"round", round_},
                     {"published_at", format_iso8601(published_at)},
                     {"published_unix_ms", static_cast<double>(to_unix_us(published_at)) / 1000.0},
                     {"summary", summary_json()},
                     {"regions", regions_json()},
                     {"endpoints", endpoints_json({})},
                     {"trend", trend_json(kStreamTrendRounds)},
                     {"events", std::move(events)},
                     {"anomalies", std::move(anomalies)},
                     {"applications", applications_}};
  // Replacement characters rather than an exception for bytes that are not UTF-8 (TXT answers).
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rg
