#pragma once
// Amazon DynamoDB (JSON 1.0, X-Amz-Target DynamoDB_20120810.*). Per-region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::dynamodb {

inline constexpr std::string_view kService = "dynamodb";
inline constexpr std::string_view kTargetPrefix = "DynamoDB_20120810";

// A global table's replica (version 2019.11.21).
struct Replica {
  std::string region_name;
  std::string status;  // CREATING | CREATION_FAILED | UPDATING | DELETING | ACTIVE | REGION_DISABLED | INACCESSIBLE_ENCRYPTION_CREDENTIALS
  std::optional<std::string> status_description;
};

struct TableDescription {
  std::string name;
  std::string arn;
  std::string status;  // CREATING | UPDATING | DELETING | ACTIVE | INACCESSIBLE_ENCRYPTION_CREDENTIALS | ARCHIVING | ARCHIVED
  std::optional<std::int64_t> item_count;
  std::optional<std::int64_t> size_bytes;
  std::optional<std::string> billing_mode;  // PROVISIONED | PAY_PER_REQUEST
  bool stream_enabled = false;
  std::optional<std::string> stream_view_type;
  std::optional<std::string> latest_stream_arn;
  std::optional<std::string> global_table_version;  // "2019.11.21" for a global table
  std::vector<Replica> replicas;
  bool active() const { return status == "ACTIVE"; }
};

AwsRequest build_describe_table(std::string_view table_name);
std::expected<TableDescription, AwsError> parse_describe_table(const HttpResponse& response);
void describe_table(AwsClient& client, std::string_view table_name, ResultCallback<TableDescription> done);

}  // namespace rg::aws::dynamodb
