#include "aws/endpoints.h"

#include <array>

#include "aws/http_message.h"

namespace rg::aws {
namespace {

// Service ids and prefixes from botocore's service models (metadata.serviceId, endpointPrefix,
// signingName); scripts/gen_sigv4_golden.py records them with the endpoints it captures.
constexpr std::array<ServiceInfo, 15> kServices{{
    {"cloudwatch", "CloudWatch", "monitoring", "monitoring", false},
    {"elbv2", "Elastic Load Balancing v2", "elasticloadbalancing", "elasticloadbalancing", false},
    {"autoscaling", "Auto Scaling", "autoscaling", "autoscaling", false},
    {"ecs", "ECS", "ecs", "ecs", false},
    {"rds", "RDS", "rds", "rds", false},
    {"ec2", "EC2", "ec2", "ec2", false},
    {"ssm", "SSM", "ssm", "ssm", false},
    {"sns", "SNS", "sns", "sns", false},
    {"dynamodb", "DynamoDB", "dynamodb", "dynamodb", false},
    {"s3", "S3", "s3", "s3", false},
    {"sts", "STS", "sts", "sts", false},
    {"route53", "Route 53", "route53", "route53", true},
    {"cloudfront", "CloudFront", "cloudfront", "cloudfront", true},
    {"iam", "IAM", "iam", "iam", true},
    // Regional in botocore's rules (globalaccelerator.{region}), but the control plane answers
    // only in us-west-2: plans ask for a client there (failover_plan_builder.cpp).
    {"globalaccelerator", "Global Accelerator", "globalaccelerator", "globalaccelerator", false},
}};

enum class Partition { aws, aws_cn, aws_us_gov };

std::expected<Partition, AwsError> partition_of(std::string_view region) {
  if (region.starts_with("cn-")) return Partition::aws_cn;
  if (region.starts_with("us-gov-")) return Partition::aws_us_gov;
  for (std::string_view iso : {"us-iso-", "us-isob-", "us-isof-", "eu-isoe-"}) {
    if (region.starts_with(iso)) {
      return std::unexpected(make_error(AwsErrorKind::invalid_argument,
                                        "region '" + std::string(region) + "' is in an isolated partition regionguard does not know"));
    }
  }
  return Partition::aws;
}

std::string_view dns_suffix(Partition p) { return p == Partition::aws_cn ? "amazonaws.com.cn" : "amazonaws.com"; }

struct GlobalEndpoint {
  std::string_view url;
  std::string_view signing_region;
};

// The global services' single endpoint per partition (botocore's endpoint rules).
std::optional<GlobalEndpoint> global_endpoint(std::string_view service, Partition p) {
  if (service == "route53") {
    switch (p) {
      case Partition::aws: return GlobalEndpoint{"https://route53.amazonaws.com", "us-east-1"};
      case Partition::aws_cn: return GlobalEndpoint{"https://route53.amazonaws.com.cn", "cn-northwest-1"};
      case Partition::aws_us_gov: return GlobalEndpoint{"https://route53.us-gov.amazonaws.com", "us-gov-west-1"};
    }
  } else if (service == "cloudfront") {
    switch (p) {
      case Partition::aws: return GlobalEndpoint{"https://cloudfront.amazonaws.com", "us-east-1"};
      case Partition::aws_cn: return GlobalEndpoint{"https://cloudfront.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"};
      case Partition::aws_us_gov: return std::nullopt;
    }
  } else if (service == "iam") {
    switch (p) {
      case Partition::aws: return GlobalEndpoint{"https://iam.amazonaws.com", "us-east-1"};
      case Partition::aws_cn: return GlobalEndpoint{"https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"};
      case Partition::aws_us_gov: return GlobalEndpoint{"https://iam.us-gov.amazonaws.com", "us-gov-west-1"};
    }
  }
  return std::nullopt;
}

std::string upper_snake(std::string_view service_id) {
  std::string out;
  for (char c : service_id) {
    if (c == ' ' || c == '-') out.push_back('_');
    else if (c >= 'a' && c <= 'z') out.push_back(static_cast<char>(c - 'a' + 'A'));
    else out.push_back(c);
  }
  return out;
}

// Validates a configured URL and drops a trailing '/'.
std::expected<std::string, AwsError> clean_url(std::string_view url, std::string_view origin) {
  auto parsed = parse_url(url);
  if (!parsed) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, std::string(origin) + ": " + parsed.error().message));
  }
  if (!parsed->query.empty() || url.find('?') != std::string_view::npos) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config,
                                      std::string(origin) + ": an endpoint URL cannot have a query: '" + std::string(url) + "'"));
  }
  std::string out(url.substr(0, url.find('#')));
  while (out.ends_with('/')) out.pop_back();
  return out;
}

}  // namespace

std::span<const ServiceInfo> known_services() { return kServices; }

const ServiceInfo* find_service(std::string_view name) {
  for (const ServiceInfo& s : kServices) {
    if (s.name == name || iequals(s.service_id, name) || s.signing_name == name) return &s;
  }
  return nullptr;
}

std::string endpoint_env_var(const ServiceInfo& service) {
  return "AWS_ENDPOINT_URL_" + upper_snake(service.service_id);
}

std::string services_config_key(const ServiceInfo& service) { return to_lower(upper_snake(service.service_id)); }

std::string_view to_string(EndpointSource source) {
  switch (source) {
    case EndpointSource::builtin: return "built-in";
    case EndpointSource::explicit_override: return "override";
    case EndpointSource::env_service: return "service environment variable";
    case EndpointSource::env_global: return "AWS_ENDPOINT_URL";
    case EndpointSource::config_service: return "services section of the shared config";
    case EndpointSource::config_profile: return "endpoint_url of the shared config profile";
  }
  return "unknown";
}

bool is_valid_region(std::string_view region) {
  if (region.empty() || region.size() > 63 || region.front() == '-' || region.back() == '-') return false;
  for (char c : region) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::expected<Endpoint, AwsError> builtin_endpoint(std::string_view service, std::string_view region) {
  const ServiceInfo* info = find_service(service);
  if (info == nullptr) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument, "unknown AWS service '" + std::string(service) + "'"));
  }
  if (!is_valid_region(region)) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument, "invalid region name '" + std::string(region) + "'"));
  }
  auto partition = partition_of(region);
  if (!partition) return std::unexpected(partition.error());

  Endpoint out;
  out.signing_name = std::string(info->signing_name);
  if (info->global) {
    auto global = global_endpoint(info->name, *partition);
    if (!global) {
      return std::unexpected(make_error(AwsErrorKind::invalid_argument, std::string(info->service_id) +
                                                                            " has no endpoint in the partition of " +
                                                                            std::string(region)));
    }
    out.url = std::string(global->url);
    out.signing_region = std::string(global->signing_region);
  } else {
    out.url = "https://" + std::string(info->endpoint_prefix) + "." + std::string(region) + "." +
              std::string(dns_suffix(*partition));
    out.signing_region = std::string(region);
  }
  return out;
}

std::expected<Endpoint, AwsError> resolve_endpoint(std::string_view service, std::string_view region,
                                                   const EndpointSettings& settings) {
  auto endpoint = builtin_endpoint(service, region);
  if (!endpoint) return endpoint;
  const ServiceInfo& info = *find_service(service);

  auto use = [&](std::string_view url, EndpointSource source, std::string origin) -> std::expected<Endpoint, AwsError> {
    auto cleaned = clean_url(url, origin);
    if (!cleaned) return std::unexpected(cleaned.error());
    endpoint->url = std::move(*cleaned);
    endpoint->source = source;
    return endpoint;
  };

  for (const auto& [name, url] : settings.overrides) {
    const ServiceInfo* target = find_service(name);
    if (target == nullptr) {
      return std::unexpected(make_error(AwsErrorKind::invalid_config, "endpoint override for unknown service '" + name + "'"));
    }
    if (target == &info) return use(url, EndpointSource::explicit_override, "endpoint override for " + name);
  }

  const std::optional<ConfigSection> profile =
      settings.config != nullptr ? settings.config->profile(settings.profile) : std::nullopt;
  std::optional<std::string> ignore_env;
  if (settings.env != nullptr && settings.env->getenv) ignore_env = settings.env->getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  const bool ignore_configured =
      ignore_env ? config_true(*ignore_env)
                 : (profile && config_true(profile->get("ignore_configured_endpoint_urls")));
  if (ignore_configured) return endpoint;

  if (settings.env != nullptr) {
    const std::string service_var = endpoint_env_var(info);
    if (auto url = settings.env->get(service_var)) return use(*url, EndpointSource::env_service, service_var);
    if (auto url = settings.env->get("AWS_ENDPOINT_URL")) return use(*url, EndpointSource::env_global, "AWS_ENDPOINT_URL");
  }

  if (profile) {
    if (auto services_name = profile->get("services")) {
      auto section = settings.config->services.find(*services_name);
      if (section == settings.config->services.end()) {
        return std::unexpected(make_error(
            AwsErrorKind::invalid_config, "profile '" + settings.profile + "' uses services section '" +
                                              std::string(*services_name) + "', which does not exist in " +
                                              settings.config->config_file.string()));
      }
      const std::string key = services_config_key(info);
      if (auto nested = section->second.nested.find(key); nested != section->second.nested.end()) {
        if (auto url = nested->second.find("endpoint_url"); url != nested->second.end() && !url->second.empty()) {
          return use(url->second, EndpointSource::config_service,
                     "[services " + std::string(*services_name) + "] " + key + ".endpoint_url");
        }
      }
    }
    if (auto url = profile->get("endpoint_url"); url && !url->empty()) {
      return use(*url, EndpointSource::config_profile, "endpoint_url of profile '" + settings.profile + "'");
    }
  }
  return endpoint;
}

}  // namespace rg::aws
