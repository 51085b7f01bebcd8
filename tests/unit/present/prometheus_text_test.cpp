// The Prometheus text format writer: families, escaping, value syntax and histograms.
#include "present/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rg {
namespace {

TEST(PrometheusText, WritesHelpTypeAndSamples) {
  PrometheusText out;
  out.family("regionguard_ws_clients", PrometheusText::Type::gauge, "WebSocket clients.");
  out.sample("regionguard_ws_clients", {}, std::uint64_t{3});
  out.family("regionguard_probe_success", PrometheusText::Type::gauge, "Latest probe.");
  out.sample("regionguard_probe_success", {{"endpoint", "s3.us-east-1"}, {"failure", "nodata"}}, 0.0);
  EXPECT_EQ(out.text(),
            "# HELP regionguard_ws_clients WebSocket clients.\n"
            "# TYPE regionguard_ws_clients gauge\n"
            "regionguard_ws_clients 3\n"
            "# HELP regionguard_probe_success Latest probe.\n"
            "# TYPE regionguard_probe_success gauge\n"
            "regionguard_probe_success{endpoint=\"s3.us-east-1\",failure=\"nodata\"} 0\n");
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(PrometheusText::escape_label_value(R"(say "hi" \ there)" "\nnext"), R"(say \"hi\" \\ there\nnext)");
  EXPECT_EQ(PrometheusText::escape_help("a \\ b\nc \"quoted\""), "a \\\\ b\\nc \"quoted\"");
  PrometheusText out;
  out.sample("m", {{"id", "a\"b"}}, 1.0);
  EXPECT_EQ(out.text(), "m{id=\"a\\\"b\"} 1\n");
}

TEST(PrometheusText, FormatsValuesAsPrometheusParsesThem) {
  EXPECT_EQ(PrometheusText::format_value(0.0025), "0.0025");
  EXPECT_EQ(PrometheusText::format_value(42.0), "42");
  EXPECT_EQ(PrometheusText::format_value(1e-6), "1e-06");
  EXPECT_EQ(PrometheusText::format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(PrometheusText::format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(PrometheusText::format_value(std::nan("")), "NaN");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Histogram histogram({0.25, 0.5, 1});
  for (const double v : {0.125, 0.25, 0.375, 0.75, 3.0}) histogram.observe(v);
  PrometheusText out;
  out.histogram("lat_seconds", {{"endpoint", "e"}}, histogram);
  EXPECT_EQ(out.text(),
            "lat_seconds_bucket{endpoint=\"e\",le=\"0.25\"} 2\n"  // 0.25 itself is in the bucket (<=)
            "lat_seconds_bucket{endpoint=\"e\",le=\"0.5\"} 3\n"
            "lat_seconds_bucket{endpoint=\"e\",le=\"1\"} 4\n"
            "lat_seconds_bucket{endpoint=\"e\",le=\"+Inf\"} 5\n"
            "lat_seconds_sum{endpoint=\"e\"} 4.5\n"
            "lat_seconds_count{endpoint=\"e\"} 5\n");
}

TEST(PrometheusText, AHistogramWithoutLabelsHasOnlyLe) {
  Histogram histogram({1});
  PrometheusText out;
  out.histogram("h", {}, histogram);
  EXPECT_EQ(out.text(), "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

}  // namespace
}  // namespace rg
