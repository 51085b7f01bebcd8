// Endpoints: the built-in table checked against what botocore resolves
// (tests/data/sigv4/endpoints.json, written by scripts/gen_sigv4_golden.py), then each way of
// configuring an endpoint and their precedence.
#include "aws/endpoints.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws_test_util.h"
#include "support/temp_dir.h"

namespace rg::aws {
namespace {

using test::fake_env;
using test::Vars;
using test::write_file;

TEST(Endpoints, MatchBotocoreForEveryServiceAndRegion) {
  std::ifstream in(std::filesystem::path(RG_SOURCE_DIR) / "tests/data/sigv4/endpoints.json");
  ASSERT_TRUE(in) << "tests/data/sigv4/endpoints.json";
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = nlohmann::json::parse(text.str());
  std::size_t checked = 0;
  for (const auto& row : doc.at("endpoints")) {
    const std::string client = row.at("client");
    const std::string region = row.at("region");
    SCOPED_TRACE(client + " in " + region);
    const auto endpoint = builtin_endpoint(client, region);
    ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message;
    EXPECT_EQ(endpoint->url, row.at("endpoint_url").get<std::string>());
    EXPECT_EQ(endpoint->signing_region, row.at("signing_region").get<std::string>());
    EXPECT_EQ(endpoint->signing_name, row.at("signing_name").get<std::string>());
    const ServiceInfo* info = find_service(client);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->service_id, row.at("service_id").get<std::string>());
    EXPECT_EQ(endpoint_env_var(*info), row.at("env_var").get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 14u * 5);
}

TEST(Endpoints, NamesOfTheServicesAndTheirVariables) {
  EXPECT_EQ(endpoint_env_var(*find_service("cloudwatch")), "AWS_ENDPOINT_URL_CLOUDWATCH");
  EXPECT_EQ(endpoint_env_var(*find_service("elbv2")), "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");
  EXPECT_EQ(endpoint_env_var(*find_service("route53")), "AWS_ENDPOINT_URL_ROUTE_53");
  EXPECT_EQ(endpoint_env_var(*find_service("autoscaling")), "AWS_ENDPOINT_URL_AUTO_SCALING");
  EXPECT_EQ(services_config_key(*find_service("elbv2")), "elastic_load_balancing_v2");
  EXPECT_EQ(services_config_key(*find_service("route53")), "route_53");
  // Any of the three names finds a service.
  EXPECT_EQ(find_service("monitoring"), find_service("cloudwatch"));
  EXPECT_EQ(find_service("Elastic Load Balancing v2"), find_service("elbv2"));
  EXPECT_EQ(find_service("elasticloadbalancing"), find_service("elbv2"));
  EXPECT_EQ(find_service("lambda"), nullptr);
}

TEST(Endpoints, RefuseWhatTheyCannotKnow) {
  EXPECT_EQ(builtin_endpoint("lambda", "us-east-1").error().kind, AwsErrorKind::invalid_argument);
  EXPECT_FALSE(builtin_endpoint("ssm", ""));
  EXPECT_FALSE(builtin_endpoint("ssm", "evil.com/x"));
  EXPECT_FALSE(builtin_endpoint("ssm", "-us-east-1"));
  EXPECT_FALSE(builtin_endpoint("ssm", "us-iso-east-1"));
  EXPECT_FALSE(builtin_endpoint("cloudfront", "us-gov-west-1"));
  EXPECT_TRUE(is_valid_region("me-central-1"));
}

class ConfiguredEndpoints : public ::testing::Test {
 protected:
  rg::test::TempDir dir_;
  std::filesystem::path home() const { return dir_.path() / "home"; }
  AwsEnvironment env_ = fake_env({}, home());
  SharedConfig config_;

  void use(Vars vars, std::string_view config_text = "") {
    if (!config_text.empty()) write_file(home() / ".aws/config", config_text);
    env_ = fake_env(std::move(vars), home());
    config_ = load_shared_config(env_).value();
  }
  EndpointSettings settings(std::string profile = "default") const {
    EndpointSettings s;
    s.env = &env_;
    s.config = &config_;
    s.profile = std::move(profile);
    return s;
  }
};

TEST_F(ConfiguredEndpoints, PrecedenceFollowsBotocore) {
  use({{"AWS_ENDPOINT_URL_CLOUDWATCH", "http://service-env:1/"}, {"AWS_ENDPOINT_URL", "http://global-env:2"}},
      "[default]\nservices = local\nendpoint_url = http://profile:4\n"
      "[services local]\ncloudwatch =\n  endpoint_url = http://services-section:3\n"
      "elastic_load_balancing_v2 =\n  endpoint_url = http://services-section-elb:3\n");
  EndpointSettings s = settings();
  s.overrides["monitoring"] = "http://override:9";

  // 1. the explicit override
  auto e = resolve_endpoint("cloudwatch", "eu-west-1", s).value();
  EXPECT_EQ(e.url, "http://override:9");
  EXPECT_EQ(e.source, EndpointSource::explicit_override);
  EXPECT_EQ(e.signing_region, "eu-west-1");
  EXPECT_EQ(e.signing_name, "monitoring");
  // 2. AWS_ENDPOINT_URL_<SERVICE> (trailing slash dropped)
  s.overrides.clear();
  e = resolve_endpoint("cloudwatch", "eu-west-1", s).value();
  EXPECT_EQ(e.url, "http://service-env:1");
  EXPECT_EQ(e.source, EndpointSource::env_service);
  // 3. AWS_ENDPOINT_URL, for a service without its own variable
  e = resolve_endpoint("elbv2", "eu-west-1", s).value();
  EXPECT_EQ(e.url, "http://global-env:2");
  EXPECT_EQ(e.source, EndpointSource::env_global);
  // 4. the services section, once the environment says nothing
  use({}, "");
  e = resolve_endpoint("elbv2", "eu-west-1", settings()).value();
  EXPECT_EQ(e.url, "http://services-section-elb:3");
  EXPECT_EQ(e.source, EndpointSource::config_service);
  // 5. the profile's endpoint_url for a service the section does not list
  e = resolve_endpoint("ssm", "eu-west-1", settings()).value();
  EXPECT_EQ(e.url, "http://profile:4");
  EXPECT_EQ(e.source, EndpointSource::config_profile);
  EXPECT_EQ(e.signing_region, "eu-west-1");
}

TEST_F(ConfiguredEndpoints, BuiltInWhenNothingIsConfigured) {
  use({});
  const auto e = resolve_endpoint("route53", "eu-west-1", settings()).value();
  EXPECT_EQ(e.url, "https://route53.amazonaws.com");
  EXPECT_EQ(e.signing_region, "us-east-1");
  EXPECT_EQ(e.source, EndpointSource::builtin);
  // No environment or config at all.
  EXPECT_EQ(resolve_endpoint("s3", "us-east-1", EndpointSettings{}).value().url, "https://s3.us-east-1.amazonaws.com");
}

TEST_F(ConfiguredEndpoints, GlobalServicesKeepTheirSigningRegionBehindAConfiguredUrl) {
  use({{"AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:4566"}});
  const auto e = resolve_endpoint("route53", "eu-west-1", settings()).value();
  EXPECT_EQ(e.url, "http://127.0.0.1:4566");
  EXPECT_EQ(e.signing_region, "us-east-1");
  EXPECT_EQ(e.signing_name, "route53");
}

TEST_F(ConfiguredEndpoints, CanBeIgnoredExceptForTheExplicitOverride) {
  use({{"AWS_ENDPOINT_URL", "http://env"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
      "[default]\nendpoint_url = http://profile\n");
  EndpointSettings s = settings();
  EXPECT_EQ(resolve_endpoint("sns", "us-west-2", s).value().url, "https://sns.us-west-2.amazonaws.com");
  s.overrides["sns"] = "http://explicit";
  EXPECT_EQ(resolve_endpoint("sns", "us-west-2", s).value().url, "http://explicit");

  // The profile can ask for it too; the environment variable, when set, decides.
  use({{"AWS_ENDPOINT_URL", "http://env"}}, "[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = true\n");
  EXPECT_EQ(resolve_endpoint("sns", "us-west-2", settings()).value().source, EndpointSource::builtin);
  use({{"AWS_ENDPOINT_URL", "http://env"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}},
      "[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = true\n");
  EXPECT_EQ(resolve_endpoint("sns", "us-west-2", settings()).value().url, "http://env");
}

TEST_F(ConfiguredEndpoints, TheProfileInUseDecides) {
  use({}, "[default]\nendpoint_url = http://default\n[profile moto]\nendpoint_url = http://127.0.0.1:4566\n");
  EXPECT_EQ(resolve_endpoint("dynamodb", "us-east-1", settings("moto")).value().url, "http://127.0.0.1:4566");
  EXPECT_EQ(resolve_endpoint("dynamodb", "us-east-1", settings("default")).value().url, "http://default");
  EXPECT_EQ(resolve_endpoint("dynamodb", "us-east-1", settings("absent")).value().source, EndpointSource::builtin);
}

TEST_F(ConfiguredEndpoints, BadConfiguredValuesAreErrors) {
  use({{"AWS_ENDPOINT_URL_SSM", "localhost:4566"}});
  auto e = resolve_endpoint("ssm", "us-east-1", settings());
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().kind, AwsErrorKind::invalid_config);
  EXPECT_TRUE(e.error().message.starts_with("AWS_ENDPOINT_URL_SSM: bad URL 'localhost:4566'"));

  use({}, "[default]\nservices = nowhere\n");
  e = resolve_endpoint("ssm", "us-east-1", settings());
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("services section 'nowhere', which does not exist"), std::string::npos);

  use({});
  EndpointSettings s = settings();
  s.overrides["lambda"] = "http://x";
  EXPECT_FALSE(resolve_endpoint("ssm", "us-east-1", s));
  s.overrides = {{"ssm", "http://x/?q=1"}};
  EXPECT_FALSE(resolve_endpoint("ssm", "us-east-1", s));
}

}  // namespace
}  // namespace rg::aws
