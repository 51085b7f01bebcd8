#include "present/metrics.h"

#include <algorithm>
#include <array>

#include "config/check_options_reader.h"

namespace rg {

using Type = PrometheusText::Type;

const std::vector<double>& ProbeMetrics::latency_buckets() {
  static const std::vector<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                           0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

void ProbeMetrics::observe(const AnalyzedRound& round, const DashboardState& state) {
  ++rounds_;
  for (const auto& observation : round.observations) {
    const auto& result = observation.result;
    const auto* endpoint = state.endpoint_config(result.endpoint_id);
    if (endpoint == nullptr || endpoint->kind == ProbeKind::calculated) continue;
    auto [it, inserted] = latency_.try_emplace(result.endpoint_id, latency_buckets());
    it->second.observe(static_cast<double>(result.latency.count()) / 1e6);
  }
}

const Histogram* ProbeMetrics::latency(const std::string& endpoint_id) const {
  const auto it = latency_.find(endpoint_id);
  return it == latency_.end() ? nullptr : &it->second;
}

namespace {

double seconds(std::chrono::microseconds duration) { return static_cast<double>(duration.count()) / 1e6; }

// Phase durations as blackbox_exporter's probe_http_duration_seconds{phase} splits them, from
// curl's cumulative timings (each measured from the start of the check; 0 when a phase did not
// happen): resolve, connect, tls, processing (request sent to first byte), transfer.
std::array<std::pair<std::string_view, double>, 5> phase_durations(const HttpPhases& p) {
  using std::chrono::microseconds;
  const auto after = [](microseconds end, microseconds start) { return end > start ? end - start : microseconds{0}; };
  const microseconds connected = std::max(p.connect, p.dns);
  const microseconds secured = p.tls.count() > 0 ? p.tls : connected;
  const microseconds first_byte = p.first_byte.count() > 0 ? p.first_byte : secured;
  return {{{"resolve", seconds(p.dns)},
           {"connect", seconds(after(p.connect, p.dns))},
           {"tls", seconds(p.tls.count() > 0 ? after(p.tls, connected) : microseconds{0})},
           {"processing", seconds(p.first_byte.count() > 0 ? after(p.first_byte, secured) : microseconds{0})},
           {"transfer", seconds(p.first_byte.count() > 0 ? after(p.total, first_byte) : microseconds{0})}}};
}

struct EndpointLabels {
  const EndpointState& state;
  std::string_view kind;
  MetricLabels base() const {
    return {{"endpoint", state.endpoint_id}, {"service", state.service}, {"region", state.region}, {"kind", kind}};
  }
};

// Anomaly detection (app/anomaly_runner.h). The round's figures appear only once a model has
// scored a round: before that there is no verdict, and a 0 would read as "nothing abnormal".
void render_anomaly_metrics(PrometheusText& out, const AnomalyStats& a) {
  out.family("regionguard_anomaly_model_fitted", Type::gauge,
             "Whether the Isolation Forest has a model fitted on stored history (1) or not yet (0).");
  out.sample("regionguard_anomaly_model_fitted", {}, std::uint64_t{a.model_fitted ? 1u : 0u});
  out.family("regionguard_anomaly_fits_total", Type::counter, "Isolation Forest models fitted and installed.");
  out.sample("regionguard_anomaly_fits_total", {}, a.fits);
  out.family("regionguard_anomaly_failed_fits_total", Type::counter,
             "Refits that produced no model: the store could not be read, or too little history.");
  out.sample("regionguard_anomaly_failed_fits_total", {}, a.failed_fits);
  out.family("regionguard_anomaly_training_rows", Type::gauge, "Observations the current model was fitted on.");
  out.sample("regionguard_anomaly_training_rows", {}, static_cast<std::uint64_t>(a.training_rows));
  if (a.fitted_at) {
    out.family("regionguard_anomaly_model_fitted_timestamp_seconds", Type::gauge,
               "When the current model was installed, in seconds since the Unix epoch.");
    out.sample("regionguard_anomaly_model_fitted_timestamp_seconds", {},
               static_cast<double>(to_unix_us(*a.fitted_at)) / 1e6);
  }
  out.family("regionguard_anomaly_rounds_scored_total", Type::counter, "Rounds the Isolation Forest judged.");
  out.sample("regionguard_anomaly_rounds_scored_total", {}, a.rounds_scored);
  if (a.latest_anomalous_percent) {
    out.family("regionguard_anomaly_round_anomalous_ratio", Type::gauge,
               "Share of the latest scored round's points the forest called anomalous (0 to 1).");
    out.sample("regionguard_anomaly_round_anomalous_ratio", {}, *a.latest_anomalous_percent / 100.0);
  }
  if (a.latest_min_score) {
    out.family("regionguard_anomaly_round_min_score", Type::gauge,
               "Most abnormal score_samples value of the latest scored round, -1 to 0 (lower is more abnormal).");
    out.sample("regionguard_anomaly_round_min_score", {}, *a.latest_min_score);
  }
  out.family("regionguard_anomaly_signals_total", Type::counter,
             "Anomaly signals raised, by kind (forest_round, latency_drift, error_rate_shift, widespread).");
  for (std::size_t kind = 0; kind < kAnomalyKinds; ++kind)
    out.sample("regionguard_anomaly_signals_total", {{"kind", to_string(static_cast<AnomalyKind>(kind))}},
               a.signals[kind]);
}

// The CloudWatch publisher (present/cloudwatch/cloudwatch_publisher.h): what reached CloudWatch and what did not.
void render_cloudwatch_metrics(PrometheusText& out, const CloudWatchStats& c) {
  out.family("regionguard_cloudwatch_published_total", Type::counter, "Metric data accepted by CloudWatch PutMetricData.");
  out.sample("regionguard_cloudwatch_published_total", {}, c.published);
  out.family("regionguard_cloudwatch_failed_requests_total", Type::counter,
             "PutMetricData requests that failed after the AWS client's own retries.");
  out.sample("regionguard_cloudwatch_failed_requests_total", {}, c.failed_requests);
  out.family("regionguard_cloudwatch_retried_requests_total", Type::counter,
             "Failed PutMetricData requests sent again after a backoff.");
  out.sample("regionguard_cloudwatch_retried_requests_total", {}, c.retried);
  out.family("regionguard_cloudwatch_dropped_total", Type::counter,
             "Metric data never published: the backlog was full (oldest dropped) or CloudWatch refused them.");
  out.sample("regionguard_cloudwatch_dropped_total", {}, c.dropped);
  out.family("regionguard_cloudwatch_backlog", Type::gauge, "Metric data waiting to be published, in flight included.");
  out.sample("regionguard_cloudwatch_backlog", {}, c.backlog);
}

}  // namespace

std::string render_metrics(const MetricsInputs& in) {
  PrometheusText out;
  const auto& state = in.state;
  const auto& config = state.config();
  std::vector<EndpointLabels> endpoints;
  for (const auto& s : state.states()) {
    const auto* endpoint = state.endpoint_config(s.endpoint_id);
    endpoints.push_back({s, endpoint ? to_string(endpoint->kind) : std::string_view("dns")});
  }

  out.family("regionguard_build_info", Type::gauge, "regionguard's version; always 1.");
  out.sample("regionguard_build_info", {{"version", "0.1.0"}}, std::uint64_t{1});

  out.family("regionguard_probe_success", Type::gauge,
             "Whether the endpoint's latest probe succeeded (1) or failed (0); `failure` names why.");
  for (const auto& e : endpoints) {
    auto labels = e.base();
    labels.emplace_back("failure", to_string(e.state.failure));
    out.sample("regionguard_probe_success", labels, std::uint64_t{e.state.success ? 1u : 0u});
  }
  out.family("regionguard_probe_status", Type::gauge,
             "Health status of the endpoint's latest probe: 0 healthy, 1 warning, 2 critical.");
  for (const auto& e : endpoints) {
    auto labels = e.base();
    labels.emplace_back("failure", to_string(e.state.failure));
    out.sample("regionguard_probe_status", labels, static_cast<std::uint64_t>(e.state.status));
  }
  // Without the failure label: a histogram split by failure kind would restart with every change.
  out.family("regionguard_probe_duration_seconds", Type::histogram,
             "Probe duration since the daemon started, failed probes included (their wait).");
  for (const auto& e : endpoints)
    if (const auto* histogram = in.probes.latency(e.state.endpoint_id))
      out.histogram("regionguard_probe_duration_seconds", e.base(), *histogram);
  out.family("regionguard_probe_phase_duration_seconds", Type::gauge,
             "Phases of the latest HTTP or TCP check (resolve, connect, tls, processing, transfer), as "
             "blackbox_exporter's probe_http_duration_seconds.");
  for (const auto& e : endpoints) {
    const auto* result = state.latest_result(e.state.endpoint_id);
    if (!result || !result->http) continue;
    for (const auto& [phase, value] : phase_durations(result->http->phases)) {
      auto labels = e.base();
      labels.emplace_back("phase", phase);
      out.sample("regionguard_probe_phase_duration_seconds", labels, value);
    }
  }
  out.family("regionguard_probe_last_check_timestamp_seconds", Type::gauge,
             "When the endpoint's latest probe started, in seconds since the Unix epoch.");
  for (const auto& e : endpoints)
    out.sample("regionguard_probe_last_check_timestamp_seconds", e.base(),
               static_cast<double>(to_unix_us(e.state.last_check)) / 1e6);

  out.family("regionguard_endpoints", Type::gauge, "Endpoints by the status of their latest probe.");
  const auto& summary = state.summary();
  for (const auto& [status, count] : {std::pair{"healthy", summary.healthy}, std::pair{"warning", summary.warning},
                                      std::pair{"critical", summary.critical}})
    out.sample("regionguard_endpoints", {{"status", status}}, static_cast<std::uint64_t>(count));
  out.family("regionguard_region_healthy_endpoints", Type::gauge, "Healthy endpoints of the region.");
  for (const auto& region : summary.regions)
    out.sample("regionguard_region_healthy_endpoints", {{"region", region.region}},
               static_cast<std::uint64_t>(region.healthy));
  out.family("regionguard_region_health_score", Type::gauge,
             "Region health score, 0-100, from its DNS, endpoint and AWS resource checks (weights in the config).");
  for (const auto& region : summary.regions)
    if (region.health_score)
      out.sample("regionguard_region_health_score", {{"region", region.region}}, *region.health_score);
  out.family("regionguard_region_endpoints", Type::gauge, "Endpoints of the region that have been probed.");
  for (const auto& region : summary.regions)
    out.sample("regionguard_region_endpoints", {{"region", region.region}}, static_cast<std::uint64_t>(region.total));
  // Later issues add here what they compute: cascade risk (analyze, issue 3), alert counts by severity (issue 4) and failover state per application (issue 5).
  // Only what exists is exposed: a metric that is always 0 would read as "all is well".

  out.family("regionguard_rounds_total", Type::counter, "Probe rounds analysed since start.");
  out.sample("regionguard_rounds_total", {}, in.probes.rounds());
  out.family("regionguard_triggered_rounds_total", Type::counter,
             "Probe rounds started by POST /api/v1/probe since start.");
  out.sample("regionguard_triggered_rounds_total", {}, in.triggered_rounds);
  out.family("regionguard_uptime_window_seconds", Type::gauge, "Window of the uptime percentages.");
  out.sample("regionguard_uptime_window_seconds", {},
             static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(config.uptime_window).count()));

  if (in.store) {
    out.family("regionguard_store_written_total", Type::counter, "Observations written to the history store.");
    out.sample("regionguard_store_written_total", {}, in.store->written);
    out.family("regionguard_store_dropped_total", Type::counter,
               "Observations never stored: the write queue was full, or a batch failed twice.");
    out.sample("regionguard_store_dropped_total", {}, in.store->dropped);
    out.family("regionguard_store_failed_batches_total", Type::counter, "Write batches that failed twice.");
    out.sample("regionguard_store_failed_batches_total", {}, in.store->failed_batches);
  }

  out.family("regionguard_ws_clients", Type::gauge, "WebSocket clients of /api/v1/stream.");
  out.sample("regionguard_ws_clients", {}, in.ws_clients);
  out.family("regionguard_ws_dropped_total", Type::counter,
             "WebSocket clients disconnected because they fell behind (close 1008).");
  out.sample("regionguard_ws_dropped_total", {}, in.ws_dropped);
  if (!in.refusals.empty()) {
    out.family("regionguard_http_refusals_total", Type::counter,
               "Connections and requests the server turned away, by reason (limits, timeouts, bad Host or "
               "framing, wrong tokens, WebSocket floods and slow readers).");
    for (const auto& [reason, count] : in.refusals) out.sample("regionguard_http_refusals_total", {{"reason", reason}}, count);
  }

  if (in.anomaly && in.anomaly->enabled) render_anomaly_metrics(out, *in.anomaly);
  if (in.cloudwatch) render_cloudwatch_metrics(out, *in.cloudwatch);

  const auto& p = in.process;
  const auto gauge = [&](std::string_view name, Type type, std::string_view help, std::optional<double> value) {
    if (!value) return;
    out.family(name, type, help);
    out.sample(name, {}, *value);
  };
  gauge("process_cpu_seconds_total", Type::counter, "Total user and system CPU time spent in seconds.",
        p.cpu_seconds);
  gauge("process_resident_memory_bytes", Type::gauge, "Resident memory size in bytes.", p.resident_memory_bytes);
  gauge("process_virtual_memory_bytes", Type::gauge, "Virtual memory size in bytes.", p.virtual_memory_bytes);
  gauge("process_start_time_seconds", Type::gauge, "Start time of the process since unix epoch in seconds.",
        p.start_time_seconds);
  if (p.open_fds) {
    out.family("process_open_fds", Type::gauge, "Number of open file descriptors.");
    out.sample("process_open_fds", {}, *p.open_fds);
  }
  if (p.max_fds) {
    out.family("process_max_fds", Type::gauge, "Maximum number of open file descriptors.");
    out.sample("process_max_fds", {}, *p.max_fds);
  }
  return out.take();
}

}  // namespace rg
