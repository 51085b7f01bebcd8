#include "aws/sns_api.h"

#include "aws/protocol_query.h"

namespace rg::aws::sns {

AwsRequest build_publish(const PublishRequest& r) {
  QueryParams params{{"TopicArn", r.topic_arn}, {"Message", r.message}};
  if (r.subject) params.emplace_back("Subject", *r.subject);
  int n = 0;
  for (const auto& [name, value] : r.string_attributes) {
    const std::string prefix = "MessageAttributes.entry." + std::to_string(++n);
    params.emplace_back(prefix + ".Name", name);
    params.emplace_back(prefix + ".Value.DataType", "String");
    params.emplace_back(prefix + ".Value.StringValue", value);
  }
  return query_request("Publish", kVersion, params);
}

std::expected<std::string, AwsError> parse_publish(const HttpResponse& response) {
  constexpr std::string_view op = "Publish";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  std::string id = xml_text(xml->result, "MessageId");
  if (id.empty()) return std::unexpected(missing_element(op, "MessageId"));
  return id;
}

void publish(AwsClient& client, const PublishRequest& r, ResultCallback<std::string> done) {
  call_and_parse<std::string>(client, kService, build_publish(r), parse_publish, std::move(done));
}

AwsRequest build_create_topic(const CreateTopicRequest& r) {
  QueryParams params{{"Name", r.name}};
  int n = 0;
  for (const auto& [key, value] : r.attributes) {
    const std::string prefix = "Attributes.entry." + std::to_string(++n);
    params.emplace_back(prefix + ".key", key);
    params.emplace_back(prefix + ".value", value);
  }
  return query_request("CreateTopic", kVersion, params);
}

std::expected<std::string, AwsError> parse_create_topic(const HttpResponse& response) {
  constexpr std::string_view op = "CreateTopic";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  std::string arn = xml_text(xml->result, "TopicArn");
  if (arn.empty()) return std::unexpected(missing_element(op, "TopicArn"));
  return arn;
}

void create_topic(AwsClient& client, const CreateTopicRequest& r, ResultCallback<std::string> done) {
  call_and_parse<std::string>(client, kService, build_create_topic(r), parse_create_topic, std::move(done));
}

}  // namespace rg::aws::sns
