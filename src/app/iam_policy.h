#pragma once
// `regionguard iam-policy`: the least-privilege IAM policy for exactly what a configuration makes
// regionguard call: each AWS check's describe calls, the failover plans' actions on the
// resources they name, SNS notifiers' Publish, CloudWatch publishing (PutMetricData, limited to
// the configured namespace) and `cloudwatch apply`. Resources are scoped to ARNs wherever the
// action supports it and the configuration names the resource; the account is left as `*`
// (the configuration does not know it). Pure, but for printing.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace rg {

struct IamStatement {
  std::string sid;                     // letters and digits
  std::vector<std::string> actions;    // sorted, unique
  std::vector<std::string> resources;  // sorted, unique; "*" when the actions take no resource
  nlohmann::json condition;            // null: none
};

// IAM's limit on a managed policy, counted without whitespace.
inline constexpr std::size_t kManagedPolicyMaxChars = 6144;

// The ARN partition of a region: aws, aws-cn or aws-us-gov.
std::string arn_partition(std::string_view region);

std::vector<IamStatement> iam_statements(const Config& config);
// {"Version": "2012-10-17", "Statement": [...]}, keys in the order AWS's examples use; no
// statements when the configuration calls no AWS API.
nlohmann::ordered_json iam_policy(const Config& config);

// Prints the policy to `out`; notes (nothing to allow, the policy too long for a managed policy)
// go to `err`. Returns 0.
int run_iam_policy_command(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace rg
