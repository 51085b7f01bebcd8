#pragma once
// Applications under failover control (`applications:`, read by application_reader.cpp): where
// an application runs, which checks judge each region, when to move it and what a move does.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rg {

enum class FailoverMode { automatic, manual_approval, dry_run };

// When to move. The seed's names where it has them (health_threshold, response_time_threshold,
// consecutive_failures_threshold); the rest are ARCHITECTURE.md's safety rules made settings.
struct FailoverPolicyConfig {
  int health_threshold = 70;  // a region scoring below this (0-100) is failing
  std::chrono::milliseconds response_time_threshold{1'000};  // mean check latency above this is failing
  int consecutive_failures_threshold = 3;  // failing rounds in a row before the region counts as down
  // Vantage points that must agree a region is down; 0 = a majority of those reporting.
  int quorum = 0;
  std::chrono::milliseconds cooldown{10 * 60'000};  // no move within this long of the last one
  int max_moves_per_hour = 2;  // automated moves (and proposals) per rolling hour
  int margin = 10;  // fail-open: a target must score at least this many points more than the active region
  std::chrono::milliseconds failback_after{30 * 60'000};  // primary healthy this long: propose going back
  bool automatic_failback = false;  // fail back without approval (only in mode automatic)
  FailoverMode mode = FailoverMode::manual_approval;
};

// A Route 53 record pointed at the active region (control plane: ChangeResourceRecordSets).
struct Route53TargetConfig {
  std::string zone_id;
  std::string name;  // record name, e.g. app.example.com
  std::string type = "CNAME";
  int ttl = 60;
  std::map<std::string, std::string> values;  // region -> record value when that region is active
};

// What a move does, in the order a plan runs it (capacity, data, traffic).
struct FailoverPlanConfig {
  std::map<std::string, std::string> autoscaling_groups;  // region -> Auto Scaling group name
  int desired_capacity = 1;                                // the target group is scaled to this
  std::map<std::string, std::string> rds_replicas;         // region -> read replica id promoted there
  std::chrono::milliseconds rpo{60'000};                   // replica lag above this: not ready
  // Parameter name -> value per region, written in the target region (the DR project's
  // /app/rds-endpoint, /app/s3-bucket-name).
  std::map<std::string, std::map<std::string, std::string>> ssm_parameters;
  std::optional<Route53TargetConfig> route53;
  bool gate = false;  // serve /gate/<app>/<region> for Route 53 failover health checks (data plane)
};

struct ApplicationConfig {
  std::string name;
  std::string primary;                   // a region of Config::regions
  std::vector<std::string> secondaries;  // in order of preference when scores tie
  std::map<std::string, std::vector<std::string>> checks;  // region -> endpoint ids judging it
  FailoverPolicyConfig policy;
  FailoverPlanConfig plan;

  // primary, then the secondaries
  std::vector<std::string> regions() const {
    std::vector<std::string> all{primary};
    all.insert(all.end(), secondaries.begin(), secondaries.end());
    return all;
  }
};

}  // namespace rg
