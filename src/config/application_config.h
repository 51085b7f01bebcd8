#pragma once
// Applications under failover control (`applications:`, read by application_reader.cpp): where
// an application runs, which checks judge each region, when to move it and what a move does.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/aurora_global_config.h"
#include "config/custom_step_config.h"
#include "config/global_accelerator_config.h"
#include "config/network_address.h"
#include "config/plan_order.h"

namespace rg {

enum class FailoverMode { automatic, manual_approval, dry_run };

// The one spelling of each mode (application_config.cpp), as policy.mode takes it and status
// output shows it: "automatic", "manual-approval", "dry-run", in the order of FailoverMode.
extern const std::vector<std::string_view> failover_mode_names;
std::string_view to_string(FailoverMode mode);
std::optional<FailoverMode> failover_mode_from_string(std::string_view name);

// When to move. The seed's names where it has them (health_threshold, response_time_threshold,
// consecutive_failures_threshold); the rest are ARCHITECTURE.md's safety rules made settings.
struct FailoverPolicyConfig {
  int health_threshold = 70;  // a region scoring below this (0-100) is failing
  std::chrono::milliseconds response_time_threshold{1'000};  // mean check latency above this is failing
  int consecutive_failures_threshold = 3;  // failing rounds in a row before the region counts as down
  // Vantage points that must agree a region is down; 0 = a majority of those reporting. With
  // fewer reporting than an explicit quorum the region is unreported (unknown), never failing.
  int quorum = 0;
  // A check's state older than this is stale: its region counts as unreported. Unset: three of
  // that check's intervals.
  std::optional<std::chrono::milliseconds> stale_after;
  std::chrono::milliseconds cooldown{10 * 60'000};  // no move within this long of the last one
  int max_moves_per_hour = 2;  // automated moves (and proposals) per rolling hour
  int margin = 10;  // fail-open: a target must score at least this many points more than the active region
  std::chrono::milliseconds failback_after{30 * 60'000};  // primary healthy this long: propose going back
  bool automatic_failback = false;  // fail back without approval (only in mode automatic)
  // A plan a crash left running is resumed only within this long of its start; older, it is
  // rolled back (the world it was planned for has moved on).
  std::chrono::milliseconds max_resume_age{15 * 60'000};
  // A proposal nobody answered expires after this long (and is withdrawn as soon as its source recovers).
  std::chrono::milliseconds proposal_ttl{30 * 60'000};
  // Mode automatic, a plan that promotes a database replica in the target (an irreversible step):
  // the region it leaves must have been failing this long, counted from the first failing round
  // of its streak, so that one bad minute does not split the data. Unset: twice the time the
  // policy needs to decide, i.e. 2 x consecutive_failures_threshold x the longest interval of the
  // region's checks (3 failures of 10 s checks: 60 s).
  std::optional<std::chrono::milliseconds> promote_after;
  FailoverMode mode = FailoverMode::manual_approval;
  friend bool operator==(const FailoverPolicyConfig&, const FailoverPolicyConfig&) = default;
};

// A Route 53 record pointed at the active region (control plane: ChangeResourceRecordSets).
struct Route53TargetConfig {
  std::string zone_id;
  std::string name;  // record name, e.g. app.example.com
  std::string type = "CNAME";  // the reader sets it from the values when the file does not
  int ttl = 60;
  std::map<std::string, std::string> values;  // region -> record value when that region is active
  friend bool operator==(const Route53TargetConfig&, const Route53TargetConfig&) = default;
};

// CloudFront: the default cache behaviour is pointed at the active region's origin.
struct CloudFrontTargetConfig {
  std::string distribution_id;
  std::map<std::string, std::string> origins;  // region -> origin id in the distribution
  friend bool operator==(const CloudFrontTargetConfig&, const CloudFrontTargetConfig&) = default;
};

// A TSIG key (RFC 8945) for RFC 2136 updates: the secret inline (base64) or in a file.
struct TsigKeyConfig {
  std::string name;
  std::string algorithm = "hmac-sha256";  // hmac-sha256 | hmac-sha512
  std::string secret;       // base64, when given inline
  std::string secret_file;  // else a file holding the base64 secret (resolved against the config
                            // file's directory; read when a plan is built, not at load)
  friend bool operator==(const TsigKeyConfig&, const TsigKeyConfig&) = default;
};

// A record pointed at the active region by RFC 2136 dynamic update (BIND, Knot, PowerDNS).
struct DnsUpdateTargetConfig {
  NetworkAddress server;  // the zone's primary, which accepts updates
  std::string zone;
  std::string name;  // inside the zone
  std::string type = "A";
  int ttl = 60;
  TsigKeyConfig key;
  std::map<std::string, std::string> values;  // region -> record value when that region is active
  friend bool operator==(const DnsUpdateTargetConfig&, const DnsUpdateTargetConfig&) = default;
};

// The plan's last step: the public name, through these resolvers, answers the target's value.
struct VerifyDnsConfig {
  std::string name;
  std::string type;  // empty: the type of dns_update, else of route53, else A
  std::vector<NetworkAddress> resolvers;
  std::chrono::milliseconds timeout{60'000};  // should cover the record's TTL
  // region -> value; empty: the values of dns_update, else of route53.
  std::map<std::string, std::string> values;
  friend bool operator==(const VerifyDnsConfig&, const VerifyDnsConfig&) = default;
};

// An ECS service scaled up in the region that takes over.
struct EcsServiceConfig {
  std::string cluster;  // name or ARN
  std::string service;  // name or ARN
  std::optional<int> desired_count;  // unset: the plan's desired_capacity
  friend bool operator==(const EcsServiceConfig&, const EcsServiceConfig&) = default;
};

// When the replica's lag is unknown (no rds check result, or one older than twice its interval):
// deny: the plan is not ready and says why; allow: it goes on, knowing writes may be lost.
enum class RpoUnknown { deny, allow };

// What a move does, in the order a plan runs it (readiness, capacity, data, traffic, verify).
struct FailoverPlanConfig {
  std::map<std::string, std::string> autoscaling_groups;  // region -> Auto Scaling group name
  int desired_capacity = 1;  // the target group (and ECS service, unless it says) is scaled to this
  std::map<std::string, EcsServiceConfig> ecs_services;  // region -> service scaled there
  std::map<std::string, std::string> rds_replicas;         // region -> read replica id promoted there
  std::chrono::milliseconds rpo{60'000};                   // replica lag above this: not ready
  RpoUnknown rpo_unknown = RpoUnknown::deny;               // replica lag unknown: ready or not
  // Parameter name -> value per region, written in the target region (the DR project's
  // /app/rds-endpoint, /app/s3-bucket-name).
  std::map<std::string, std::map<std::string, std::string>> ssm_parameters;
  std::optional<Route53TargetConfig> route53;
  std::vector<std::string> dynamodb_tables;  // global tables that must have an ACTIVE replica in the target
  // Label -> region -> bucket: the bucket of the region being left must replicate (an Enabled
  // rule) into the target region's bucket.
  std::map<std::string, std::map<std::string, std::string>> s3_replication;
  std::optional<CloudFrontTargetConfig> cloudfront;
  std::optional<GlobalAcceleratorConfig> global_accelerator;  // traffic dials or endpoint weights
  std::optional<AuroraGlobalConfig> aurora_global;  // an Aurora global database switched or failed over
  std::optional<DnsUpdateTargetConfig> dns_update;
  std::optional<VerifyDnsConfig> verify_dns;
  bool gate = false;  // serve /gate/<app>/<region> for Route 53 failover health checks (data plane)
  // After traffic moves, the target's checks must stay healthy this long, else the plan rolls back.
  std::chrono::milliseconds settle{60'000};
  std::vector<CustomStepConfig> custom_steps;  // in order, after the data steps, before the traffic steps
  // The steps in the order they run, with parallel groups and approval pauses (config/plan_order.h);
  // empty: capacity, data, traffic, verification.
  std::vector<PlanOrderEntry> order;
  friend bool operator==(const FailoverPlanConfig&, const FailoverPlanConfig&) = default;
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
  friend bool operator==(const ApplicationConfig&, const ApplicationConfig&) = default;
};

}  // namespace rg
