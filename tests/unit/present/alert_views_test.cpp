// The alert views of the API: a silence request's body, checked field by field, and the alert
// families on /metrics.
#include "present/alert_views.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

std::string error_of(const char* body) {
  const auto parsed = parse_silence(nlohmann::json::parse(body), t0);
  return parsed ? "" : parsed.error();
}

TEST(SilenceBody, AValidBodyStartsNowAndExpiresAfterItsDuration) {
  const auto silence =
      parse_silence(nlohmann::json::parse(R"({"matchers": {"service": "s3"}, "duration": "2h", "comment": "drill"})"), t0);
  ASSERT_TRUE(silence) << silence.error();
  EXPECT_EQ(silence->starts_at, t0);
  EXPECT_EQ(silence->expires_at, t0 + 2h);
  EXPECT_EQ(silence->matchers.at("service"), "s3");
  EXPECT_EQ(silence->comment, "drill");
}

TEST(SilenceBody, EveryMistakeIsNamed) {
  EXPECT_EQ(error_of(R"([])"), "the body must be a JSON object");
  EXPECT_EQ(error_of(R"({"duration": "1h"})"), "`matchers` is required");
  EXPECT_EQ(error_of(R"({"matchers": {}, "duration": "1h"})"), "`matchers` must be a non-empty object of label: value");
  EXPECT_EQ(error_of(R"({"matchers": {"a": 1}, "duration": "1h"})"), "matcher `a` must be a string");
  EXPECT_EQ(error_of(R"({"matchers": {"a": "b"}})"), "`duration` is required");
  EXPECT_EQ(error_of(R"({"matchers": {"a": "b"}, "duration": "31d"})"), "`duration` must be more than 0 and at most 30d");
  EXPECT_THAT(error_of(R"({"matchers": {"a": "b"}, "duration": 5})"), HasSubstr("`duration` must be a string"));
  EXPECT_EQ(error_of(R"({"matchers": {"a": "b"}, "duration": "1h", "until": 1})"),
            "unknown field `until` (expected matchers, duration, comment)");
}

TEST(AlertMetricsText, CountsEveryStateAndSeverityAndEachNotifier) {
  AlertMetrics metrics;
  metrics.alerts[{AlertState::firing, AlertSeverity::critical}] = 2;
  metrics.notifiers.push_back({"sink", "webhook", 3, 1, 4, 0});
  metrics.cascade_risk["us-east-1"] = 86;
  PrometheusText out;
  render_alert_metrics(out, metrics);
  const std::string text = out.take();
  EXPECT_THAT(text, HasSubstr("regionguard_alerts{state=\"firing\",severity=\"critical\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("regionguard_alerts{state=\"pending\",severity=\"info\"} 0\n"));  // zeros are shown
  EXPECT_THAT(text, HasSubstr("regionguard_notifier_failed_total{notifier=\"sink\",type=\"webhook\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("regionguard_notifier_retries_total{notifier=\"sink\",type=\"webhook\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("regionguard_cascade_risk{region=\"us-east-1\"} 86\n"));
}

}  // namespace
}  // namespace rg
