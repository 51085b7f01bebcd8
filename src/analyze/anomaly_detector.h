#pragma once
// The Isolation Forest side of anomaly detection, as the seed runs it but trained on a sliding
// window of stored history instead of the batch being judged:
//
//  * fit_forest_model() standardises the window's feature rows (StandardScaler) and grows the
//    forest on them — pure and blocking; the daemon runs it on a worker thread
//    (app/anomaly_runner.h) and hands the model to the detector on the loop;
//  * AnomalyDetector::score_round() scores one round with the current model: more than
//    threshold_percent of the round's points anomalous (predict() = −1) is a `high` forest_round
//    signal, the seed's rule. Before the first model there is no verdict at all (nullopt), not a
//    "normal" one.
//
// Features per result are extract_features()'s; answer_set_changed needs the endpoint's previous
// successful result, which FeatureHistory carries along a stream of results (the training window,
// oldest first per endpoint, or the live rounds).
#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyze/anomaly_signal.h"
#include "analyze/feature_extractor.h"
#include "analyze/feature_scaler.h"
#include "analyze/isolation_forest.h"
#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

// Each endpoint's last successful result, so a result's features can say whether its answer set
// changed.
class FeatureHistory {
 public:
  // The features of `result`, then remembers it when it succeeded.
  FeatureVector next(const ProbeResult& result);

 private:
  std::unordered_map<std::string, ProbeResult> last_success_;
};

// A fitted scaler and forest, immutable once built: shared between the worker that built it and
// the loop that scores with it.
struct ForestModel {
  StandardScaler scaler;
  IsolationForest forest;
  std::size_t training_rows = 0;
  std::size_t endpoints = 0;  // that contributed rows
  TimePoint window_from{};
  TimePoint window_to{};
};

struct AnomalyDetectorOptions {
  IsolationForestOptions forest;  // trees 100, ψ 256 as the seed; contamination and seed from config
  double threshold_percent = 10.0;
  // Fewer training rows than this is no model: a forest grown on a handful of rows calls everything
  // unusual. ψ, so every tree gets a full subsample.
  std::size_t min_training_rows = 256;
};

// The options `anomaly:` sets (contamination, seed, threshold_percent).
AnomalyDetectorOptions detector_options(const AnomalyConfig& config);

// Grows a model on `histories`: one list of results per endpoint, each oldest first. The error
// says why there is none (too little history). Blocking; pure.
std::expected<ForestModel, std::string> fit_forest_model(std::span<const std::vector<ProbeResult>> histories,
                                                          const AnomalyDetectorOptions& options, TimePoint window_from,
                                                          TimePoint window_to);

// One round as the forest sees it.
struct ForestVerdict {
  std::size_t points = 0;
  std::size_t anomalous = 0;
  double anomalous_percent = 0.0;
  double min_score = 0.0;  // the most abnormal score_samples value of the round, in [−1, 0]
  std::optional<AnomalySignal> signal;  // the high forest_round signal, when the rule fired
};

class AnomalyDetector {
 public:
  using Options = AnomalyDetectorOptions;
  explicit AnomalyDetector(Options options) : options_(options) {}

  // Installs a model (on the loop): later rounds are scored with it.
  void set_model(std::shared_ptr<const ForestModel> model) { model_ = std::move(model); }
  const ForestModel* model() const { return model_.get(); }
  bool fitted() const { return model_ != nullptr; }

  // Scores one round of probe results (no calculated checks). nullopt before the first model or
  // for an empty round. Results update the feature history either way.
  std::optional<ForestVerdict> score_round(std::span<const ProbeResult> results);

 private:
  Options options_;
  std::shared_ptr<const ForestModel> model_;
  FeatureHistory history_;
};

}  // namespace rg
