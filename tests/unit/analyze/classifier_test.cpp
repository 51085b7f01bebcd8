// The seed's bands: healthy <= 100 ms, warning <= 200 ms, critical above or on failure;
// DynamoDB is held to 50/100 ms. Bounds are inclusive, to the microsecond.
#include "analyze/classifier.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

ProbeResult answered_in(microseconds latency) {
  ProbeResult result;
  result.endpoint_id = "dynamodb.us-east-1.amazonaws.com";
  result.success = true;
  result.latency = latency;
  result.rcode = 0;
  result.answers = {{"A", "192.0.2.1", 60}};
  return result;
}

ProbeResult failed_in(microseconds latency, FailureKind kind) {
  ProbeResult result = answered_in(latency);
  result.success = false;
  result.failure = kind;
  result.answers.clear();
  return result;
}

const Thresholds kDefault{};  // 100 / 200 ms
const Thresholds kDynamoDb{milliseconds{50}, milliseconds{100}};

TEST(Classifier, DefaultThresholdsAreTheSeeds) {
  EXPECT_EQ(kDefault.healthy_max, milliseconds{100});
  EXPECT_EQ(kDefault.warning_max, milliseconds{200});
}

TEST(Classifier, DefaultBoundariesAreInclusive) {
  EXPECT_EQ(classify(answered_in(microseconds{0}), kDefault), HealthStatus::healthy);
  EXPECT_EQ(classify(answered_in(milliseconds{100}), kDefault), HealthStatus::healthy);
  // One microsecond past the healthy bound is a warning...
  EXPECT_EQ(classify(answered_in(microseconds{100'001}), kDefault), HealthStatus::warning);
  // ... up to and including 200 ms ...
  EXPECT_EQ(classify(answered_in(milliseconds{200}), kDefault), HealthStatus::warning);
  // ... and anything slower is critical even though the answer was good.
  EXPECT_EQ(classify(answered_in(microseconds{200'001}), kDefault), HealthStatus::critical);
  EXPECT_EQ(classify(answered_in(milliseconds{4'999}), kDefault), HealthStatus::critical);
}

TEST(Classifier, DynamoDbBoundariesAreTighter) {
  EXPECT_EQ(classify(answered_in(milliseconds{50}), kDynamoDb), HealthStatus::healthy);
  EXPECT_EQ(classify(answered_in(microseconds{50'001}), kDynamoDb), HealthStatus::warning);
  EXPECT_EQ(classify(answered_in(milliseconds{100}), kDynamoDb), HealthStatus::warning);
  EXPECT_EQ(classify(answered_in(microseconds{100'001}), kDynamoDb), HealthStatus::critical);
  // 80 ms: healthy for any other service, a warning for DynamoDB.
  EXPECT_EQ(classify(answered_in(milliseconds{80}), kDefault), HealthStatus::healthy);
  EXPECT_EQ(classify(answered_in(milliseconds{80}), kDynamoDb), HealthStatus::warning);
}

TEST(Classifier, AFailureIsCriticalWhateverItsLatency) {
  // A SERVFAIL in 1 ms is fast, and it is still an outage.
  EXPECT_EQ(classify(failed_in(milliseconds{1}, FailureKind::servfail), kDefault), HealthStatus::critical);
  // The October 2025 shape: NOERROR with an empty answer, quickly.
  EXPECT_EQ(classify(failed_in(milliseconds{1}, FailureKind::nodata), kDynamoDb), HealthStatus::critical);
  EXPECT_EQ(classify(failed_in(microseconds{0}, FailureKind::nxdomain), kDefault), HealthStatus::critical);
  EXPECT_EQ(classify(failed_in(milliseconds{5'000}, FailureKind::timeout), kDefault), HealthStatus::critical);
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

TEST(ClassifierWarnings, AProbeWarningMakesAFastSuccessAWarningButNeverBetterThanItsBand) {
  ProbeResult result;
  result.success = true;
  result.latency = std::chrono::milliseconds(5);
  EXPECT_EQ(classify(result, Thresholds{}), HealthStatus::healthy);
  result.warnings.push_back("certificate expires in 5 days");
  EXPECT_EQ(classify(result, Thresholds{}), HealthStatus::warning);
  result.latency = std::chrono::milliseconds(500);  // slow as well: still critical
  EXPECT_EQ(classify(result, Thresholds{}), HealthStatus::critical);
}

}  // namespace
}  // namespace rg
