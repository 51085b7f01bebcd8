#pragma once
// Amazon SNS (Query protocol, API 2010-03-31). Per-region: a topic ARN names its region, and the
// client must be of that region.
#include <map>
#include <optional>
#include <string>

#include "aws/aws_client.h"

namespace rg::aws::sns {

inline constexpr std::string_view kService = "sns";
inline constexpr std::string_view kVersion = "2010-03-31";

struct PublishRequest {
  std::string topic_arn;
  std::string message;
  std::optional<std::string> subject;  // e-mail subscribers' subject line, at most 100 characters
  std::map<std::string, std::string, std::less<>> string_attributes;  // MessageAttributes of DataType String
};

AwsRequest build_publish(const PublishRequest& request);
// The message id.
std::expected<std::string, AwsError> parse_publish(const HttpResponse& response);
void publish(AwsClient& client, const PublishRequest& request, ResultCallback<std::string> done);

struct CreateTopicRequest {
  std::string name;
  std::map<std::string, std::string, std::less<>> attributes;  // DisplayName, ...
};

AwsRequest build_create_topic(const CreateTopicRequest& request);
// The topic ARN (the same for a topic that exists: CreateTopic is idempotent).
std::expected<std::string, AwsError> parse_create_topic(const HttpResponse& response);
void create_topic(AwsClient& client, const CreateTopicRequest& request, ResultCallback<std::string> done);

}  // namespace rg::aws::sns
