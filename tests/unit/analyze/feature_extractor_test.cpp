// What the anomaly detector sees of one probe result. The story is October 2025: a good answer of
// dynamodb.us-east-1, then the same name answering NOERROR with nothing in it.
#include "analyze/feature_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "analyze/feature_matrix.h"

namespace rg {
namespace {

using std::chrono::microseconds;

// 2025-10-20T07:48:00Z, when the answer went empty.
const TimePoint kOutage = from_unix_us(1'760'946'480'000'000);

double get(const FeatureVector& features, FeatureColumn column) { return features[static_cast<std::size_t>(column)]; }

ProbeResult good_answer(TimePoint at, std::vector<DnsAnswer> answers) {
  ProbeResult result;
  result.endpoint_id = "dynamodb.us-east-1.amazonaws.com";
  result.started_at = at;
  result.success = true;
  result.latency = microseconds{3'250};
  result.rcode = 0;
  result.answers = std::move(answers);
  return result;
}

ProbeResult failed(TimePoint at, FailureKind kind, microseconds latency) {
  ProbeResult result = good_answer(at, {});
  result.success = false;
  result.failure = kind;
  result.latency = latency;
  return result;
}

const std::vector<DnsAnswer> kThreeAddresses{
    {"A", "3.218.182.201", 5}, {"A", "3.218.182.202", 4}, {"A", "3.218.182.203", 5}};

TEST(FeatureExtractor, ColumnsAreTheDocumentedOnesInOrder) {
  EXPECT_THAT(feature_column_names(),
              ::testing::ElementsAre("success", "response_time_ms", "hour_of_day", "answer_count", "answer_set_changed",
                                     "min_ttl_s", "failure_timeout", "failure_servfail", "failure_nxdomain",
                                     "failure_nodata", "failure_refused", "failure_network", "failure_malformed",
                                     "failure_answer_mismatch", "failure_too_few_answers", "failure_other"));
  EXPECT_EQ(kFeatureColumns, 16u);
}

TEST(FeatureExtractor, AGoodAnswerIsSuccessLatencyHourCountAndLowestTtl) {
  const auto features = extract_features(good_answer(kOutage, kThreeAddresses), nullptr);
  EXPECT_EQ(get(features, FeatureColumn::success), 1.0);
  EXPECT_DOUBLE_EQ(get(features, FeatureColumn::response_time_ms), 3.25);
  EXPECT_EQ(get(features, FeatureColumn::hour_of_day), 7.0) << "07:48 UTC";
  EXPECT_EQ(get(features, FeatureColumn::answer_count), 3.0);
  EXPECT_EQ(get(features, FeatureColumn::answer_set_changed), 0.0) << "nothing to compare with yet";
  EXPECT_EQ(get(features, FeatureColumn::min_ttl_s), 4.0);
  for (std::size_t c = static_cast<std::size_t>(FeatureColumn::failure_timeout); c < kFeatureColumns; ++c) {
    EXPECT_EQ(features[c], 0.0) << feature_column_names()[c];
  }
}

TEST(FeatureExtractor, TheEmptyAnswerIsAFailureWithNoRecordsAndNoTtl) {
  const auto before = good_answer(kOutage - std::chrono::seconds{30}, kThreeAddresses);
  const auto features = extract_features(failed(kOutage, FailureKind::nodata, microseconds{2'900}), &before);
  EXPECT_EQ(get(features, FeatureColumn::success), 0.0);
  EXPECT_DOUBLE_EQ(get(features, FeatureColumn::response_time_ms), 2.9) << "it answered, and fast";
  EXPECT_EQ(get(features, FeatureColumn::answer_count), 0.0);
  EXPECT_EQ(get(features, FeatureColumn::min_ttl_s), 0.0);
  EXPECT_EQ(get(features, FeatureColumn::failure_nodata), 1.0);
  EXPECT_EQ(get(features, FeatureColumn::answer_set_changed), 0.0)
      << "a failure is described by its kind, not as a change of the answer set";
}

TEST(FeatureExtractor, AnAnswerSetChangeIsCountedAgainstTheLastGoodAnswer) {
  const auto before = good_answer(kOutage - std::chrono::seconds{30}, kThreeAddresses);

  auto same = kThreeAddresses;
  std::ranges::reverse(same);
  same[0].ttl = 2;  // a cache counting down is not a change of the set
  EXPECT_EQ(get(extract_features(good_answer(kOutage, same), &before), FeatureColumn::answer_set_changed), 0.0);

  const std::vector<DnsAnswer> shrunk{{"A", "3.218.182.201", 1}};
  const auto features = extract_features(good_answer(kOutage, shrunk), &before);
  EXPECT_EQ(get(features, FeatureColumn::answer_set_changed), 1.0);
  EXPECT_EQ(get(features, FeatureColumn::answer_count), 1.0);
  EXPECT_EQ(get(features, FeatureColumn::min_ttl_s), 1.0);
}

TEST(FeatureExtractor, EachDnsFailureKindHasItsOwnColumn) {
  for (const auto kind : {FailureKind::timeout, FailureKind::servfail, FailureKind::nxdomain, FailureKind::nodata,
                          FailureKind::refused, FailureKind::network, FailureKind::malformed,
                          FailureKind::answer_mismatch, FailureKind::too_few_answers}) {
    const auto features = extract_features(failed(kOutage, kind, microseconds{1'000}), nullptr);
    const std::string column = "failure_" + std::string(to_string(kind));
    for (std::size_t c = static_cast<std::size_t>(FeatureColumn::failure_timeout); c < kFeatureColumns; ++c) {
      const auto name = feature_column_names()[c];
      EXPECT_EQ(features[c], name == column ? 1.0 : 0.0) << column << " in " << name;
    }
  }
}

TEST(FeatureExtractor, OtherKindsShareOneColumn) {
  for (const auto kind : {FailureKind::status, FailureKind::tls, FailureKind::connect_refused}) {
    const auto features = extract_features(failed(kOutage, kind, microseconds{1'000}), nullptr);
    EXPECT_EQ(get(features, FeatureColumn::failure_other), 1.0) << to_string(kind);
  }
}

TEST(FeatureExtractor, ATimeoutReportsItsTimeoutAsResponseTime) {
  const auto features = extract_features(failed(kOutage, FailureKind::timeout, microseconds{2'000'000}), nullptr);
  EXPECT_EQ(get(features, FeatureColumn::response_time_ms), 2000.0);
  EXPECT_EQ(get(features, FeatureColumn::failure_timeout), 1.0);
}

TEST(FeatureExtractor, HourOfDayIsUtcAndWrapsAtMidnight) {
  const TimePoint midnight = from_unix_us(1'760'918'400'000'000);  // 2025-10-20T00:00:00Z
  const auto hour = [](TimePoint at) {
    return get(extract_features(good_answer(at, kThreeAddresses), nullptr), FeatureColumn::hour_of_day);
  };
  EXPECT_EQ(hour(midnight), 0.0);
  EXPECT_EQ(hour(midnight - microseconds{1}), 23.0);
  EXPECT_EQ(hour(midnight + std::chrono::hours{23} + std::chrono::minutes{59}), 23.0);
  EXPECT_EQ(hour(from_unix_us(-1)), 23.0) << "before 1970 too";
}

TEST(FeatureExtractor, RowsAppendToAFeatureMatrix) {
  FeatureMatrix round(kFeatureColumns);
  round.append_row(extract_features(good_answer(kOutage, kThreeAddresses), nullptr));
  round.append_row(extract_features(failed(kOutage, FailureKind::nodata, microseconds{2'900}), nullptr));
  EXPECT_EQ(round.rows(), 2u);
  EXPECT_EQ(round(1, static_cast<std::size_t>(FeatureColumn::failure_nodata)), 1.0);
  EXPECT_THROW(round.append_row(std::vector<double>(3)), std::invalid_argument);
}

}  // namespace
}  // namespace rg
