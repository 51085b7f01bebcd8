#include "present/json_views.h"

#include <cmath>

#include "config/check_options_reader.h"

namespace rg {

using nlohmann::json;

double to_ms(std::chrono::microseconds duration) { return static_cast<double>(duration.count()) / 1000.0; }

namespace {

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json answers_json(const ProbeResult* latest) {
  json answers = json::array();
  if (latest)
    for (const auto& a : latest->answers) answers.push_back({{"type", a.type}, {"data", a.data}, {"ttl", a.ttl}});
  return answers;
}

}  // namespace

json http_details_json(const HttpDetails& http) {
  return {{"status", http.status_code},
          {"remote_address", http.remote_address},
          {"tls_verified", http.tls_verified},
          {"redirects", http.redirects},
          {"certificate_days_left",
           http.certificate_days_left ? json(*http.certificate_days_left) : json(nullptr)},
          {"phases_ms",
           {{"dns", to_ms(http.phases.dns)},
            {"connect", to_ms(http.phases.connect)},
            {"tls", to_ms(http.phases.tls)},
            {"first_byte", to_ms(http.phases.first_byte)},
            {"total", to_ms(http.phases.total)}}}};
}

json resource_details_json(const ResourceDetails& resource) {
  return {{"state", resource.state},
          {"healthy", resource.healthy},
          {"expected", resource.expected},
          {"headroom", resource.headroom ? json(*resource.headroom) : json(nullptr)},
          {"replica_lag_seconds", optional_number(resource.replica_lag_seconds)}};
}

json endpoint_json(const EndpointState& state, const ProbeResult* latest, ProbeKind kind) {
  return {{"id", state.endpoint_id},
          {"kind", to_string(kind)},
          {"hostname", state.hostname},
          {"service", state.service},
          {"service_display", state.service_display},
          {"region", state.region},
          {"status", to_string(state.status)},
          {"success", state.success},
          {"failure", to_string(state.failure)},
          {"error", latest ? latest->error : std::string()},
          {"latency_ms", to_ms(state.latency)},
          {"address", state.first_address},
          {"rcode", latest ? latest->rcode : -1},
          {"used_tcp", latest && latest->used_tcp},
          {"answers", answers_json(latest)},
          {"warnings", latest ? json(latest->warnings) : json::array()},
          {"http", latest && latest->http ? http_details_json(*latest->http) : json(nullptr)},
          {"resource", state.resource ? resource_details_json(*state.resource) : json(nullptr)},
          {"uptime_percent", optional_number(state.uptime_percent())},
          {"last_check", format_iso8601(state.last_check)}};
}

json unprobed_endpoint_json(const EndpointConfig& endpoint, const ServiceConfig* service) {
  return {{"id", endpoint.id},
          {"kind", to_string(endpoint.kind)},
          {"hostname", endpoint.hostname},
          {"service", endpoint.service},
          {"service_display", service ? service->display_name : endpoint.service},
          {"region", endpoint.region},
          {"status", nullptr},
          {"success", nullptr},
          {"failure", nullptr},
          {"error", nullptr},
          {"latency_ms", nullptr},
          {"address", nullptr},
          {"rcode", nullptr},
          {"used_tcp", nullptr},
          {"answers", json::array()},
          {"warnings", json::array()},
          {"http", nullptr},
          {"resource", nullptr},
          {"uptime_percent", nullptr},
          {"last_check", nullptr}};
}

json summary_counts_json(const HealthSummary& summary) {
  return {{"total", summary.total},
          {"healthy", summary.healthy},
          {"warning", summary.warning},
          {"critical", summary.critical},
          {"average_latency_ms", to_ms(summary.average_latency)},
          {"uptime_percent", optional_number(summary.uptime_percent)}};
}

json service_json(const ServiceSummary& service) {
  return {{"service", service.service},
          {"display_name", service.display_name},
          {"status", to_string(service.status)},
          {"average_latency_ms", to_ms(service.average_latency)},
          {"endpoints", service.endpoints},
          {"healthy", service.healthy}};
}

json region_json(const RegionSummary& region, bool with_services) {
  json out{{"region", region.region},
           {"healthy", region.healthy},
           {"total", region.total},
           {"status", to_string(region.status)}};
  // One decimal: the score moves in steps of whole check points, more digits are noise.
  out["health_score"] = region.health_score ? json(std::round(*region.health_score * 10) / 10) : json(nullptr);
  if (with_services) {
    json services = json::array();
    for (const auto& service : region.services) services.push_back(service_json(service));
    out["services"] = std::move(services);
  }
  return out;
}

json anomaly_json(const AnomalySignal& signal) {
  return {{"kind", to_string(signal.kind)},         {"severity", to_string(signal.severity)},
          {"at", format_iso8601(signal.at)},        {"endpoint", signal.endpoint_id},
          {"region", signal.region},                {"endpoints", signal.endpoints},
          {"score", signal.score},                  {"message", signal.message}};
}

json event_json(const EndpointEvent& event) {
  return {{"kind", to_string(event.kind)},
          {"endpoint", event.endpoint_id},
          {"at", format_iso8601(event.at)},
          {"message", event.message}};
}

}  // namespace rg
