#include "aws/dynamodb_api.h"

#include "aws/protocol_json.h"

namespace rg::aws::dynamodb {

AwsRequest build_describe_table(std::string_view table_name) {
  return json_request(kTargetPrefix, "DescribeTable", JsonVersion::v1_0, {{"TableName", std::string(table_name)}});
}

std::expected<TableDescription, AwsError> parse_describe_table(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeTable";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  const auto& t = json_object(*body, "Table");
  if (t.empty()) return std::unexpected(missing_field(op, "Table"));
  TableDescription out;
  out.name = json_str(t, "TableName");
  out.arn = json_str(t, "TableArn");
  out.status = json_str(t, "TableStatus");
  if (out.status.empty()) return std::unexpected(missing_field(op, "Table.TableStatus"));
  out.item_count = json_int(t, "ItemCount");
  out.size_bytes = json_int(t, "TableSizeBytes");
  out.billing_mode = json_opt_str(json_object(t, "BillingModeSummary"), "BillingMode");
  const auto& stream = json_object(t, "StreamSpecification");
  out.stream_enabled = json_bool(stream, "StreamEnabled").value_or(false);
  out.stream_view_type = json_opt_str(stream, "StreamViewType");
  out.latest_stream_arn = json_opt_str(t, "LatestStreamArn");
  out.global_table_version = json_opt_str(t, "GlobalTableVersion");
  for (const auto& r : json_array(t, "Replicas")) {
    out.replicas.push_back({json_str(r, "RegionName"), json_str(r, "ReplicaStatus"), json_opt_str(r, "ReplicaStatusDescription")});
  }
  return out;
}

void describe_table(AwsClient& client, std::string_view table_name, ResultCallback<TableDescription> done) {
  call_and_parse<TableDescription>(client, kService, build_describe_table(table_name), parse_describe_table, std::move(done));
}

}  // namespace rg::aws::dynamodb
