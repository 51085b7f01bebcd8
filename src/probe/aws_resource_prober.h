#pragma once
// The AWS resource checks (EC2 instances, ELB target groups, RDS instances, ECS services, Auto
// Scaling groups, CloudWatch alarms) as a Prober: each check makes its describe calls through the
// shared AwsSession and hands the answers to aws_resource_judge.h. A failed call is a result
// (aws_api, not_found, timeout, network), never an exception.
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "aws/aws_error.h"
#include "aws/aws_session.h"
#include "probe/prober.h"

namespace rg {

// The AWS service an endpoint kind calls, and the IAM actions its check needs (for doctor's
// messages and `regionguard iam-policy`).
struct AwsCheckCalls {
  std::string_view service;                   // AwsClient service name: "ec2", "elbv2", ...
  std::vector<std::string_view> iam_actions;  // "ec2:DescribeInstances", ...
};
AwsCheckCalls aws_check_calls(ProbeKind kind);

class AwsResourceProber final : public Prober {
 public:
  // The failed call's error (when a call failed) comes with the result, for doctor.
  using DetailedCompletion = std::function<void(ProbeResult, std::optional<aws::AwsError>)>;

  explicit AwsResourceProber(aws::AwsSession& session) : session_(session) {}

  void start(const EndpointConfig& endpoint, Completion done) override;
  void check(const EndpointConfig& endpoint, DetailedCompletion done);

 private:
  aws::AwsSession& session_;
};

}  // namespace rg
