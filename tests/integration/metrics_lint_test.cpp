// A real scrape of `regionguard run`'s /metrics (DNS endpoints on knotd and an HTTP check on a
// local server), linted by Prometheus's own `promtool check metrics`. A missing promtool fails
// the test with the package to install; it never skips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "integration/api_client.h"
#include "support/http_test_server.h"
#include "support/knot_server.h"

namespace rg {
namespace {

using test::HttpReply;

std::filesystem::path promtool_or_fail() {
  const std::filesystem::path extra[] = {"/usr/bin", "/usr/local/bin"};
  const auto promtool = test::find_executable("promtool", extra);
  if (!promtool)
    ADD_FAILURE() << "promtool is missing: install the Debian package `prometheus` "
                     "(apt-get install prometheus; scripts/install-deps.sh does it)";
  return promtool.value_or("");
}

TEST(MetricsLint, ARealScrapePassesPromtoolCheckMetrics) {
  const auto promtool = promtool_or_fail();
  ASSERT_FALSE(promtool.empty());

  test::KnotServer knot({.zone = "example.test.",
                         .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                                     {"s3.us-east-1", "A", "192.0.2.20", 60}},
                         .update_key = std::nullopt});
  test::HttpTestServer web;
  test::DaemonOptions options;
  options.resolver = "127.0.0.1:" + std::to_string(knot.port());
  options.endpoints = {{"dynamodb.us-east-1.example.test", "dynamodb", "us-east-1"},
                       {"s3.us-east-1.example.test", "s3", "us-east-1"},
                       // never answers: a failure kind in the labels
                       {"missing.eu-west-1.example.test", "s3", "eu-west-1"}};
  options.extra_endpoints_yaml = "  - { id: app/health, url: \"" + web.url("/ok") +
                                 "\", service: s3, region: eu-west-1 }\n";
  test::Daemon daemon(options);

  // Every endpoint probed at least twice, the HTTP check with its phases.
  const auto scrape = daemon.wait_for("/metrics", [](const HttpReply& r) {
    return r.body.find("regionguard_probe_phase_duration_seconds{endpoint=\"app/health\"") != std::string::npos &&
           r.body.find("regionguard_probe_success{endpoint=\"missing.eu-west-1.example.test\"") != std::string::npos &&
           test::metric_value(r.body, "regionguard_rounds_total").value_or(0) >= 2;
  });
  ASSERT_EQ(scrape.status, 200u);
  EXPECT_EQ(scrape.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& page = scrape.body;
  for (const char* family :
       {"# TYPE regionguard_probe_success gauge", "# TYPE regionguard_probe_status gauge",
        "# TYPE regionguard_probe_duration_seconds histogram", "# TYPE regionguard_probe_phase_duration_seconds gauge",
        "# TYPE regionguard_region_healthy_endpoints gauge", "# TYPE regionguard_region_endpoints gauge",
        "# TYPE regionguard_store_written_total counter", "# TYPE regionguard_store_dropped_total counter",
        "# TYPE regionguard_ws_clients gauge", "# TYPE regionguard_ws_dropped_total counter",
        "# TYPE process_resident_memory_bytes gauge", "# TYPE process_cpu_seconds_total counter",
        "# TYPE process_start_time_seconds gauge", "# TYPE process_open_fds gauge"})
    EXPECT_THAT(page, testing::HasSubstr(std::string(family) + "\n"));
  EXPECT_THAT(page, testing::HasSubstr("regionguard_probe_success{endpoint=\"missing.eu-west-1.example.test\","
                                       "service=\"s3\",region=\"eu-west-1\",kind=\"dns\",failure=\"nxdomain\"} 0\n"));
  EXPECT_THAT(page, testing::HasSubstr("regionguard_probe_status{endpoint=\"app/health\",service=\"s3\","
                                       "region=\"eu-west-1\",kind=\"http\",failure=\"none\"} 0\n"));
  EXPECT_THAT(page, testing::HasSubstr("regionguard_probe_duration_seconds_bucket{endpoint=\"dynamodb.us-east-1."
                                       "example.test\",service=\"dynamodb\",region=\"us-east-1\",kind=\"dns\","
                                       "le=\"+Inf\"}"));
  EXPECT_THAT(page, testing::HasSubstr("regionguard_region_endpoints{region=\"eu-west-1\"} 2\n"));

  const auto scrape_file = daemon.dir().path() / "scrape.txt";
  std::ofstream(scrape_file) << page;
  const auto lint_output = daemon.dir().path() / "promtool.txt";
  const int status = test::run_command(
      {"/bin/sh", "-c", "exec '" + promtool.string() + "' check metrics < '" + scrape_file.string() + "'"}, lint_output);
  EXPECT_EQ(status, 0) << "promtool check metrics:\n" << test::file_tail(lint_output, 50) << "\nscrape:\n" << page;
}

}  // namespace
}  // namespace rg
