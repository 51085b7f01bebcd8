#pragma once
// What the daemon publishes to CloudWatch, as pure functions: the samples of one analysed round,
// their aggregation over an interval into one PutMetricData datum per metric and dimension set
// (StatisticValues: CloudWatch's Average, Minimum, Maximum and SampleCount stay exact), and the
// split of the backlog into requests within PutMetricData's limits. CloudWatchPublisher
// (cloudwatch_publisher.h) does the sending.
//
// Metrics (the seed's names first), all in the configured namespace:
//   DNSSuccessRate     {Region} and {}      Percent  each DNS check of the interval is 100 or 0
//   OverallDNSHealth   {}                   Percent  DNS endpoints whose latest status is healthy
//   CascadeRiskScore   {Region}             None     analyze/cascade_risk.h, 0-100
//   ResponseTime       {Service, Region}    Milliseconds  successful DNS, HTTP and TCP checks
//   RegionHealthScore  {Region}             None     analyze/region_score.h, 0-100
//   FailoverActive     {Application}        None     1 while traffic is away from the primary
//   ActiveRegion       {Application, Region} None    1 for the region serving the application
#include <cstddef>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudwatch_api.h"
#include "analyze/cascade_risk.h"
#include "analyze/round_analyzer.h"
#include "config/application_config.h"

namespace rg {

namespace metric_names {
inline constexpr std::string_view kDnsSuccessRate = "DNSSuccessRate";
inline constexpr std::string_view kOverallDnsHealth = "OverallDNSHealth";
inline constexpr std::string_view kCascadeRiskScore = "CascadeRiskScore";
inline constexpr std::string_view kResponseTime = "ResponseTime";
inline constexpr std::string_view kRegionHealthScore = "RegionHealthScore";
inline constexpr std::string_view kFailoverActive = "FailoverActive";
inline constexpr std::string_view kActiveRegion = "ActiveRegion";
}  // namespace metric_names

// PutMetricData's limits: 1,000 datums and 1 MB of request body per call.
inline constexpr std::size_t kMaxDatumsPerRequest = 1000;
inline constexpr std::size_t kMaxRequestBytes = 1'000'000;

// One value of one metric, seen in one round.
struct MetricSample {
  std::string metric_name;
  std::vector<aws::cloudwatch::Dimension> dimensions;  // in the order CloudWatch shows them
  std::string unit;  // "Percent", "Milliseconds", "None"
  double value = 0;
  friend bool operator==(const MetricSample&, const MetricSample&) = default;
};

// Checks that measure a response time: a DNS answer, an HTTP response, a TCP (and TLS) handshake.
// Calculated checks measure nothing, and AWS resource checks time the AWS API, not the service.
bool has_response_time(ProbeKind kind);

// The samples of one round. `active_regions` is application -> the region serving it now;
// `applications` gives each application's primary (FailoverActive) and regions (ActiveRegion 0
// for the others). An application missing from `active_regions` publishes nothing.
std::vector<MetricSample> round_samples(const AnalyzedRound& round, std::span<const RegionCascadeRisk> cascade,
                                        const std::map<std::string, std::string>& active_regions,
                                        const std::vector<ApplicationConfig>& applications);

// The rounds of one interval, folded per metric and dimension set.
class MetricAggregator {
 public:
  void add(std::span<const MetricSample> samples);
  bool empty() const { return series_.empty(); }
  std::size_t size() const { return series_.size(); }
  // One datum per series, with StatisticValues and `timestamp`; the aggregator is empty after.
  std::vector<aws::cloudwatch::MetricDatum> take(TimePoint timestamp);

 private:
  struct Series {
    std::string metric_name;
    std::vector<aws::cloudwatch::Dimension> dimensions;
    std::string unit;
    aws::cloudwatch::StatisticSet stats;
  };
  std::map<std::string, Series> series_;  // by name and dimensions: a stable order
};

// How many datums from the front of `pending` fit in one PutMetricData request of `namespace_`
// (at least one when `pending` is not empty: a single datum is far below the byte limit).
std::size_t batch_length(const std::deque<aws::cloudwatch::MetricDatum>& pending, std::string_view namespace_,
                         std::size_t max_items = kMaxDatumsPerRequest, std::size_t max_bytes = kMaxRequestBytes);

}  // namespace rg
