#pragma once
// Where to send a request for a service in a region, and how to sign it.
//
// Built-in endpoints follow botocore's endpoint rules for the services regionguard calls (checked
// against botocore in tests/data/sigv4/endpoints.json): regional https://{prefix}.{region}.{dns
// suffix}, and the global services (Route 53, CloudFront, IAM) on one endpoint signed for their
// home region (us-east-1 in the aws partition). S3 uses its regional endpoint in every region,
// us-east-1 included (https://s3.us-east-1.amazonaws.com; botocore's default there is the legacy
// s3.amazonaws.com, which also works). Partitions aws, aws-cn and aws-us-gov are known; other
// partitions (ISO) are refused rather than guessed.
//
// Configured endpoints, in botocore's order of precedence (first found wins):
//   1. the explicit override map (regionguard's own config; like botocore's endpoint_url argument)
//   2. AWS_ENDPOINT_URL_<SERVICE>  (service id upper-cased, spaces -> '_': AWS_ENDPOINT_URL_ROUTE_53)
//   3. AWS_ENDPOINT_URL
//   4. the profile's services section: services = NAME, then [services NAME] / route_53 = / endpoint_url = ...
//   5. the profile's endpoint_url
//   6. the built-in endpoint
// 2-5 are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
// ignore_configured_endpoint_urls) is true. A configured endpoint keeps the built-in signing
// region and signing name (see Endpoint::signing_region).
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "aws/aws_environment.h"
#include "aws/aws_error.h"
#include "aws/shared_config.h"

namespace rg::aws {

struct ServiceInfo {
  std::string_view name;             // botocore client name: "cloudwatch", "elbv2", "route53"
  std::string_view service_id;       // "CloudWatch", "Elastic Load Balancing v2", "Route 53"
  std::string_view endpoint_prefix;  // host label: "monitoring", "elasticloadbalancing"
  std::string_view signing_name;     // SigV4 service: "monitoring", "elasticloadbalancing"
  bool global = false;               // one endpoint for the partition (Route 53, CloudFront, IAM)
};

// The services regionguard calls.
std::span<const ServiceInfo> known_services();
// By client name ("elbv2"), service id ("Elastic Load Balancing v2") or signing name
// ("monitoring"); nullptr when unknown.
const ServiceInfo* find_service(std::string_view name);

// "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"
std::string endpoint_env_var(const ServiceInfo& service);
// The key in a [services NAME] section: "elastic_load_balancing_v2", "route_53", "cloudwatch".
std::string services_config_key(const ServiceInfo& service);

enum class EndpointSource {
  builtin,
  explicit_override,  // the override map
  env_service,        // AWS_ENDPOINT_URL_<SERVICE>
  env_global,         // AWS_ENDPOINT_URL
  config_service,     // [services NAME] section of the profile
  config_profile,     // endpoint_url of the profile
};
std::string_view to_string(EndpointSource source);

struct Endpoint {
  std::string url;             // scheme://host[:port][/base path], no trailing slash
  std::string signing_region;  // us-east-1 for the global services of the aws partition, even with a
                               // configured URL (botocore signs those for the client's region
                               // instead, which a real global endpoint would reject)
  std::string signing_name;
  EndpointSource source = EndpointSource::builtin;
};

// Everything besides service and region that can change the answer.
struct EndpointSettings {
  std::map<std::string, std::string, std::less<>> overrides;  // service (any name find_service takes) -> URL
  const AwsEnvironment* env = nullptr;   // null: no environment variables
  const SharedConfig* config = nullptr;  // null: no shared config
  std::string profile = "default";
};

// A region name as botocore accepts it: letters, digits and '-', 1-63 characters, no leading or
// trailing '-'. Anything else could change the host name an endpoint points at.
bool is_valid_region(std::string_view region);

// The built-in endpoint. Errors: unknown service, invalid region, unknown partition, or a service
// that the partition does not have (CloudFront in GovCloud).
std::expected<Endpoint, AwsError> builtin_endpoint(std::string_view service, std::string_view region);

// The endpoint after overrides and configuration, as described at the top. A configured URL
// that is not an absolute http(s) URL is an invalid_config error naming where it came from.
std::expected<Endpoint, AwsError> resolve_endpoint(std::string_view service, std::string_view region,
                                                   const EndpointSettings& settings);

}  // namespace rg::aws
