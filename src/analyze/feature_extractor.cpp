#include "analyze/feature_extractor.h"

#include <algorithm>
#include <chrono>

#include "analyze/answer_change.h"

namespace rg {
namespace {

// In FeatureColumn order.
constexpr std::array<std::string_view, kFeatureColumns> kNames{
    "success", "response_time_ms", "hour_of_day", "answer_count", "answer_set_changed", "min_ttl_s",
    "failure_timeout", "failure_servfail", "failure_nxdomain", "failure_nodata", "failure_refused",
    "failure_network", "failure_malformed", "failure_answer_mismatch", "failure_too_few_answers",
    "failure_other",
};

FeatureColumn failure_column(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout: return FeatureColumn::failure_timeout;
    case FailureKind::servfail: return FeatureColumn::failure_servfail;
    case FailureKind::nxdomain: return FeatureColumn::failure_nxdomain;
    case FailureKind::nodata: return FeatureColumn::failure_nodata;
    case FailureKind::refused: return FeatureColumn::failure_refused;
    case FailureKind::network: return FeatureColumn::failure_network;
    case FailureKind::malformed: return FeatureColumn::failure_malformed;
    case FailureKind::answer_mismatch: return FeatureColumn::failure_answer_mismatch;
    case FailureKind::too_few_answers: return FeatureColumn::failure_too_few_answers;
    default: return FeatureColumn::failure_other;
  }
}

double& at(FeatureVector& features, FeatureColumn column) { return features[static_cast<std::size_t>(column)]; }

}  // namespace

std::span<const std::string_view, kFeatureColumns> feature_column_names() { return kNames; }

FeatureVector extract_features(const ProbeResult& result, const ProbeResult* last_success) {
  using namespace std::chrono;
  FeatureVector features{};
  at(features, FeatureColumn::success) = result.success ? 1.0 : 0.0;
  at(features, FeatureColumn::response_time_ms) = static_cast<double>(result.latency.count()) / 1000.0;
  const auto since_midnight = result.started_at - floor<days>(result.started_at);
  at(features, FeatureColumn::hour_of_day) = static_cast<double>(floor<hours>(since_midnight).count());
  at(features, FeatureColumn::answer_count) = static_cast<double>(result.answers.size());
  if (last_success != nullptr) {
    const auto change = compare_answers(*last_success, result);
    at(features, FeatureColumn::answer_set_changed) = change && change->answer_set_changed() ? 1.0 : 0.0;
  }
  if (!result.answers.empty()) {
    const auto lowest = std::ranges::min(result.answers, {}, &DnsAnswer::ttl).ttl;
    at(features, FeatureColumn::min_ttl_s) = static_cast<double>(lowest);
  }
  if (!result.success && result.failure != FailureKind::none) at(features, failure_column(result.failure)) = 1.0;
  return features;
}

}  // namespace rg
