// The `anomaly:` section: defaults when absent, every key read, and each bad value reported with
// file:line:col and its path (the messages check-config prints).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const std::string minimal = R"(regions: [us-east-1]
services:
  dynamodb:
endpoints:
  - hostname: dynamodb.us-east-1.amazonaws.com
    service: dynamodb
    region: us-east-1
)";

using test::errors_of;

TEST(AnomalySection, AbsentMeansOnWithTheDefaults) {
  const auto config = load_config_string(minimal, "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& a = config->anomaly;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.window, 24h);
  EXPECT_EQ(a.refit_interval, 10min);
  EXPECT_EQ(a.contamination, 0.01);
  EXPECT_EQ(a.threshold_percent, 10.0);
  EXPECT_EQ(a.z_threshold, 3.5);
  EXPECT_EQ(a.min_samples, 30);
}

TEST(AnomalySection, ReadsEveryKey) {
  const auto config = load_config_string(minimal + R"(anomaly:
  enabled: false
  window: 6h
  refit_interval: 5m
  max_rows: 50000
  contamination: auto
  threshold_percent: 20
  z_threshold: 4.5
  min_samples: 60
  widespread_percent: 40
  seed: 7
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& a = config->anomaly;
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.window, 6h);
  EXPECT_EQ(a.refit_interval, 5min);
  EXPECT_EQ(a.max_rows, 50000);
  EXPECT_EQ(a.contamination, std::nullopt);
  EXPECT_EQ(a.threshold_percent, 20.0);
  EXPECT_EQ(a.z_threshold, 4.5);
  EXPECT_EQ(a.min_samples, 60);
  EXPECT_EQ(a.widespread_percent, 40.0);
  EXPECT_EQ(a.seed, 7u);
  EXPECT_EQ(a.mark.line, 9);  // the section's value: its first key, as server.mark
}

TEST(AnomalySection, EveryBadValueIsReportedWithItsPlace) {
  EXPECT_THAT(errors_of(minimal + R"(anomaly:
  window: 8d
  refit_interval: 1s
  max_rows: 10
  contamination: 0.7
  threshold_percent: lots
  z_threshold: 0
  min_samples: 2
  widespread_percent: 101
  seed: -1
  treshold_percent: 5
)"),
              ElementsAre("a.yaml:9:11: anomaly.window: must not be longer than store.raw_retention (7d)",
                          "a.yaml:10:19: anomaly.refit_interval: must be at least 10s",
                          "a.yaml:11:13: anomaly.max_rows: must be between 256 and 10000000",
                          "a.yaml:12:18: anomaly.contamination: must be auto or a share in (0, 0.5], e.g. 0.01",
                          "a.yaml:13:22: anomaly.threshold_percent: must be a number",
                          "a.yaml:14:16: anomaly.z_threshold: must be greater than 0 and at most 100",
                          "a.yaml:15:16: anomaly.min_samples: must be between 5 and 10000",
                          "a.yaml:16:23: anomaly.widespread_percent: must be greater than 0 and at most 100",
                          "a.yaml:17:9: anomaly.seed: must be between 0 and 2147483647",
                          "a.yaml:18:3: anomaly.treshold_percent: unknown key (expected one of: enabled, window, "
                          "refit_interval, max_rows, contamination, threshold_percent, z_threshold, min_samples, "
                          "widespread_percent, seed); did you mean `threshold_percent`?"));
}

TEST(AnomalySection, TheRefitIntervalCannotExceedTheWindow) {
  EXPECT_THAT(errors_of(minimal + "anomaly: { window: 1h, refit_interval: 2h }\n"),
              ElementsAre("a.yaml:8:40: anomaly.refit_interval: must not be longer than anomaly.window"));
}

}  // namespace
}  // namespace rg
