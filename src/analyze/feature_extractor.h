#pragma once
// The features the Isolation Forest sees for one probe result: the seed's three (success, response
// time, hour of day) and four that would have caught October 2025 early, when the answer for
// dynamodb.us-east-1.amazonaws.com went empty: the answer count, whether the answer set changed
// since the endpoint's last good answer, the lowest TTL, and the failure kind.
//
// Columns, in order (the header of the CSVs in tests/data/anomaly, written by
// scripts/sklearn_parity.py, is feature_column_names() followed by "label"):
//
//   0 success             1 when the probe succeeded, else 0
//   1 response_time_ms    the probe's latency in milliseconds (a timeout reports its timeout)
//   2 hour_of_day         0..23, UTC, from the result's started_at (the seed's `hour`)
//   3 answer_count        records in the answer section
//   4 answer_set_changed  1 when the set of (type, data) differs from the endpoint's last
//                         successful answer (compare_answers); 0 for the first result and for a
//                         failure, which the columns below already describe
//   5 min_ttl_s           the lowest TTL of the answer, in seconds; 0 without answers
//   6.. one-hot failure kind: failure_timeout, failure_servfail, failure_nxdomain, failure_nodata,
//                         failure_refused, failure_network, failure_malformed,
//                         failure_answer_mismatch, failure_too_few_answers — the DNS kinds — and
//                         failure_other for every other kind (HTTP, TCP, calculated checks).
//                         All zero on success.
//
// Why one-hot and not one ordinal column: an isolation tree splits a column at a random point of
// its range, so with kinds numbered 1..9 a kind at either end (timeout, too_few_answers) is one
// split from the rest and a kind in the middle (nodata) needs two — its score would depend on the
// enum's order. With one column per kind every kind is one split away, and only its rarity decides
// how abnormal it looks. Kinds absent from a batch are constant columns, which the forest never
// splits on, so the extra columns cost nothing. failure_other keeps the column set fixed when new
// kinds are added.
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "core/probe_result.h"

namespace rg {

enum class FeatureColumn : std::size_t {
  success,
  response_time_ms,
  hour_of_day,
  answer_count,
  answer_set_changed,
  min_ttl_s,
  failure_timeout,
  failure_servfail,
  failure_nxdomain,
  failure_nodata,
  failure_refused,
  failure_network,
  failure_malformed,
  failure_answer_mismatch,
  failure_too_few_answers,
  failure_other,
};

inline constexpr std::size_t kFeatureColumns = static_cast<std::size_t>(FeatureColumn::failure_other) + 1;

using FeatureVector = std::array<double, kFeatureColumns>;

// "success", "response_time_ms", ..., "failure_other": the column names above, in order.
std::span<const std::string_view, kFeatureColumns> feature_column_names();

// The feature vector of `result`. `last_success` is the endpoint's previous successful result
// (RoundAnalyzer's last_good), or nullptr when it has none yet. No clock is read: the hour comes
// from result.started_at.
FeatureVector extract_features(const ProbeResult& result, const ProbeResult* last_success);

}  // namespace rg
