#pragma once
// GET /metrics: what the daemon knows, in the Prometheus text format. Per endpoint (labels
// endpoint, service, region, kind): the latest probe's success and status (plus its failure
// kind), a latency histogram since start, HTTP phase durations; per region the healthy and total
// endpoints; the store writer's and the WebSocket fan-out's counters; the process_* metrics.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "analyze/anomaly_signal.h"
#include "present/dashboard_state.h"
#include "present/process_stats.h"
#include "present/prometheus_text.h"
#include "store/batch_writer.h"

namespace rg {

// Probe latency histograms per endpoint, fed once per round, for as long as the daemon runs.
class ProbeMetrics {
 public:
  // Seconds, from DNS answers on a LAN (1 ms) to an HTTP check at its timeout (10 s).
  static const std::vector<double>& latency_buckets();

  // Counts every result of the round (failures too: their duration is how long the probe
  // waited). Calculated checks are not probes and are left out.
  void observe(const AnalyzedRound& round, const DashboardState& state);

  const Histogram* latency(const std::string& endpoint_id) const;
  std::uint64_t rounds() const { return rounds_; }

 private:
  std::unordered_map<std::string, Histogram> latency_;
  std::uint64_t rounds_ = 0;
};

// The CloudWatch publisher's counters (present/cloudwatch/cloudwatch_publisher.h), since start.
struct CloudWatchStats {
  std::uint64_t published = 0;        // metric data accepted by PutMetricData
  std::uint64_t failed_requests = 0;  // PutMetricData calls that failed (after the client's own retries)
  std::uint64_t retried = 0;          // of those, sent again after a backoff
  std::uint64_t dropped = 0;          // metric data given up: the backlog was full, or CloudWatch refused them
  std::uint64_t backlog = 0;          // metric data waiting to be sent, in flight included
};

struct MetricsInputs {
  const DashboardState& state;
  const ProbeMetrics& probes;
  std::optional<BatchWriter::Stats> store;  // absent when the server runs without a writer
  std::uint64_t ws_clients = 0;
  std::uint64_t ws_dropped = 0;
  std::uint64_t triggered_rounds = 0;  // POST /api/v1/probe that started a round
  ProcessStats process;
  std::optional<AnomalyStats> anomaly;  // absent when the server runs without anomaly detection
  std::optional<CloudWatchStats> cloudwatch{};  // absent when the daemon does not publish to CloudWatch
  std::vector<std::pair<std::string, std::uint64_t>> refusals{};  // the server's, by reason (RefusalLog)
};

std::string render_metrics(const MetricsInputs& inputs);

}  // namespace rg
