#include "analyze/anomaly_detector.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

namespace rg {
namespace {

// The endpoints named in a forest_round message; the signal's list has them all.
constexpr std::size_t kNamedInMessage = 3;

}  // namespace

FeatureVector FeatureHistory::next(const ProbeResult& result) {
  const auto it = last_success_.find(result.endpoint_id);
  const FeatureVector features = extract_features(result, it == last_success_.end() ? nullptr : &it->second);
  if (result.success) last_success_.insert_or_assign(result.endpoint_id, result);
  return features;
}

AnomalyDetectorOptions detector_options(const AnomalyConfig& config) {
  AnomalyDetectorOptions options;
  options.forest.contamination = config.contamination;
  options.forest.seed = config.seed;
  options.threshold_percent = config.threshold_percent;
  return options;
}

std::expected<ForestModel, std::string> fit_forest_model(std::span<const std::vector<ProbeResult>> histories,
                                                          const AnomalyDetectorOptions& options, TimePoint window_from,
                                                          TimePoint window_to) {
  const std::size_t rows = std::accumulate(histories.begin(), histories.end(), std::size_t{0},
                                           [](std::size_t sum, const auto& h) { return sum + h.size(); });
  if (rows < options.min_training_rows)
    return std::unexpected(fmt::format("{} stored observations in the window, {} needed", rows,
                                       options.min_training_rows));
  FeatureMatrix x(kFeatureColumns);
  x.reserve_rows(rows);
  FeatureHistory history;
  ForestModel model;
  for (const auto& results : histories) {
    for (const auto& result : results) x.append_row(history.next(result));
    model.endpoints += results.empty() ? 0 : 1;
  }
  model.scaler.fit(x);
  model.scaler.transform_in_place(x);
  model.forest = IsolationForest(options.forest);
  model.forest.fit(x);
  model.training_rows = rows;
  model.window_from = window_from;
  model.window_to = window_to;
  return model;
}

std::optional<ForestVerdict> AnomalyDetector::score_round(std::span<const ProbeResult> results) {
  FeatureMatrix x(kFeatureColumns);
  x.reserve_rows(results.size());
  for (const auto& result : results) x.append_row(history_.next(result));
  if (!model_ || x.empty()) return std::nullopt;

  model_->scaler.transform_in_place(x);
  const auto scores = model_->forest.score_samples(x);
  const double offset = model_->forest.offset();
  ForestVerdict verdict;
  verdict.points = results.size();
  verdict.min_score = *std::ranges::min_element(scores);
  std::vector<std::size_t> anomalous;
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (scores[i] - offset < 0) anomalous.push_back(i);  // predict() == −1, without scoring twice
  verdict.anomalous = anomalous.size();
  verdict.anomalous_percent = 100.0 * static_cast<double>(anomalous.size()) / static_cast<double>(results.size());
  if (verdict.anomalous_percent <= options_.threshold_percent) return verdict;

  std::ranges::sort(anomalous, {}, [&](std::size_t i) { return scores[i]; });
  AnomalySignal signal;
  signal.kind = AnomalyKind::forest_round;
  signal.severity = AnomalySeverity::high;
  signal.score = verdict.anomalous_percent;
  std::vector<std::string> named;
  for (const std::size_t i : anomalous) {
    signal.endpoints.push_back(results[i].endpoint_id);
    if (named.size() < kNamedInMessage) named.push_back(fmt::format("{} ({:.2f})", results[i].endpoint_id, scores[i]));
  }
  for (const auto& result : results) signal.at = std::max(signal.at, result.started_at);
  signal.message = fmt::format("forest: {} of {} points anomalous ({:.1f}% > {:g}%): {}{}", verdict.anomalous,
                               verdict.points, verdict.anomalous_percent, options_.threshold_percent,
                               fmt::join(named, ", "), anomalous.size() > named.size() ? ", ..." : "");
  verdict.signal = std::move(signal);
  return verdict;
}

}  // namespace rg
