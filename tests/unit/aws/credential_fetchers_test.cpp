// Request builders, response parsers and fetchers for IMDS, container credentials and STS, with
// bodies shaped as AWS documents them.
#include "aws/credential_fetchers.h"

#include <gtest/gtest.h>

#include <deque>

#include "aws_test_util.h"
#include "support/temp_dir.h"

namespace rg::aws {
namespace {

using test::at;
using test::fake_env;
using test::write_file;

const TimePoint kNow = at("2026-11-21T07:00:00Z");

// From "Retrieve security credentials from instance metadata" (EC2 user guide).
constexpr std::string_view kImdsCredentials = R"({
  "Code" : "Success",
  "LastUpdated" : "2012-04-26T16:39:16Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "Token" : "token",
  "Expiration" : "2017-05-17T15:09:54Z"
})";

// From "Amazon ECS task IAM role" (the credentials endpoint's answer).
constexpr std::string_view kContainerCredentials = R"({
    "AccessKeyId": "ASIAECSEXAMPLE",
    "Expiration": "2026-11-21T13:34:41Z",
    "RoleArn": "arn:aws:iam::123456789012:role/task",
    "SecretAccessKey": "ecs-secret",
    "Token": "ecs-token"
})";

// From the AssumeRoleWithWebIdentity API reference.
constexpr std::string_view kWebIdentityResponse = R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

// From the AssumeRole API reference.
constexpr std::string_view kAssumeRoleResponse = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

struct Script {
  std::vector<HttpRequest> sent;
  std::deque<std::expected<HttpResponse, AwsError>> answers;
  HttpSend send() {
    return [this](const HttpRequest& r) -> std::expected<HttpResponse, AwsError> {
      sent.push_back(r);
      auto a = std::move(answers.front());
      answers.pop_front();
      return a;
    };
  }
};

HttpResponse ok(std::string_view body) { return {200, {}, std::string(body)}; }
std::expected<HttpResponse, AwsError> no_answer() {
  return std::unexpected(make_error(AwsErrorKind::transport, "connect timed out"));
}

// --- IMDS ---------------------------------------------------------------------------------------

TEST(Imds, TokenThenRoleThenCredentials) {
  ImdsCredentialFetcher fetcher{ImdsSettings{}};
  Script script;
  script.answers = {ok("AQAEAtoken=="), ok("rg-instance-role\n"), ok(kImdsCredentials)};
  const auto creds = fetch_credentials(fetcher, kNow, script.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(creds->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(creds->session_token, "token");
  EXPECT_EQ(creds->expiration, at("2017-05-17T15:09:54Z"));

  ASSERT_EQ(script.sent.size(), 3u);
  EXPECT_EQ(script.sent[0].method, "PUT");
  EXPECT_EQ(script.sent[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(find_header(script.sent[0].headers, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(script.sent[1].method, "GET");
  EXPECT_EQ(script.sent[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(find_header(script.sent[1].headers, "x-aws-ec2-metadata-token"), "AQAEAtoken==");
  EXPECT_EQ(script.sent[2].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/rg-instance-role");
  EXPECT_EQ(find_header(script.sent[2].headers, "x-aws-ec2-metadata-token"), "AQAEAtoken==");
}

TEST(Imds, FallsBackToV1WhenTheTokenIsRefusedOrUnanswered) {
  for (auto token_answer : {std::expected<HttpResponse, AwsError>(HttpResponse{403, {}, ""}), no_answer()}) {
    ImdsCredentialFetcher fetcher{ImdsSettings{}};
    Script script;
    script.answers = {token_answer, ok("role"), ok(kImdsCredentials)};
    ASSERT_TRUE(fetch_credentials(fetcher, kNow, script.send()).has_value());
    ASSERT_EQ(script.sent.size(), 3u);
    EXPECT_FALSE(find_header(script.sent[1].headers, "x-aws-ec2-metadata-token"));
  }
}

TEST(Imds, V1DisabledMeansNoFallback) {
  ImdsSettings settings;
  settings.v1_fallback = false;
  ImdsCredentialFetcher fetcher{settings};
  Script script;
  script.answers = {HttpResponse{404, {}, ""}};
  const auto creds = fetch_credentials(fetcher, kNow, script.send());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message, "instance metadata gave no session token (HTTP 404) and IMDSv1 is disabled");
}

TEST(Imds, NoRoleAndRefusedCredentialsAreErrors) {
  {
    ImdsCredentialFetcher fetcher{ImdsSettings{}};
    Script script;
    script.answers = {ok("t"), HttpResponse{404, {}, "<html>Not Found</html>"}};
    const auto creds = fetch_credentials(fetcher, kNow, script.send());
    ASSERT_FALSE(creds.has_value());
    EXPECT_EQ(creds.error().http_status, 404);
    EXPECT_TRUE(creds.error().message.starts_with("no IAM role is attached to this instance"));
  }
  {
    // IMDS answers 200 with a Code other than Success when the role cannot be assumed.
    ImdsCredentialFetcher fetcher{ImdsSettings{}};
    Script script;
    script.answers = {ok("t"), ok("role"),
                      ok(R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role","LastUpdated":"2026-11-21T07:00:00Z"})")};
    const auto creds = fetch_credentials(fetcher, kNow, script.send());
    ASSERT_FALSE(creds.has_value());
    EXPECT_EQ(creds.error().code, "AssumeRoleUnauthorizedAccess");
    EXPECT_EQ(creds.error().message, "EC2 cannot assume the role");
  }
  EXPECT_FALSE(parse_imds_role(" \n"));
  EXPECT_EQ(parse_imds_credentials(R"({"Code":"Success","AccessKeyId":"A"})").error().message,
            "instance metadata answer lacks SecretAccessKey");
}

TEST(Imds, SettingsFromEnvironmentAndProfile) {
  rg::test::TempDir dir;
  EXPECT_EQ(imds_settings(fake_env({}, dir.path()), nullptr)->endpoint, "http://169.254.169.254");
  EXPECT_EQ(imds_settings(fake_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}, dir.path()), nullptr)->endpoint,
            "http://[fd00:ec2::254]");
  EXPECT_EQ(imds_settings(fake_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}}, dir.path()), nullptr)->endpoint,
            "http://127.0.0.1:1338");
  ConfigSection profile;
  profile.values["ec2_metadata_v1_disabled"] = "true";
  profile.values["ec2_metadata_service_endpoint_mode"] = "ipv6";
  const auto from_profile = imds_settings(fake_env({}, dir.path()), &profile).value();
  EXPECT_FALSE(from_profile.v1_fallback);
  EXPECT_EQ(from_profile.endpoint, "http://[fd00:ec2::254]");
  EXPECT_FALSE(imds_settings(fake_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}, dir.path()), nullptr));
  EXPECT_TRUE(imds_disabled(fake_env({{"AWS_EC2_METADATA_DISABLED", "true"}}, dir.path())));
  EXPECT_FALSE(imds_disabled(fake_env({{"AWS_EC2_METADATA_DISABLED", "1"}}, dir.path())));  // botocore: only "true"
}

// --- containers -------------------------------------------------------------------------------------

TEST(Container, RelativeUriGoesToTheEcsAgent) {
  rg::test::TempDir dir;
  const auto settings = container_settings(fake_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/7f3"},
                                                     {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost/ignored"}},
                                                    dir.path()))
                            .value();
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->url, "http://169.254.170.2/v2/credentials/7f3");
  const HttpRequest request = build_container_credentials_request(*settings).value();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(find_header(request.headers, "Accept"), "application/json");
  EXPECT_FALSE(find_header(request.headers, "Authorization"));

  const AwsCredentials creds = parse_container_credentials(kContainerCredentials).value();
  EXPECT_EQ(creds.access_key_id, "ASIAECSEXAMPLE");
  EXPECT_EQ(creds.session_token, "ecs-token");
  EXPECT_EQ(creds.expiration, at("2026-11-21T13:34:41Z"));
}

TEST(Container, FullUriMustBeSafe) {
  rg::test::TempDir dir;
  for (const char* good : {"https://creds.example.com/x", "http://127.0.0.1:51679/creds", "http://[::1]/c",
                           "http://169.254.170.23/v1/credentials", "http://localhost:8080/c"}) {
    const auto s = container_settings(fake_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", good}}, dir.path()));
    ASSERT_TRUE(s.has_value()) << good << ": " << s.error().message;
    EXPECT_EQ((*s)->url, good);
  }
  for (const char* bad : {"http://evil.example.com/creds", "http://10.0.0.1/creds", "not a url"}) {
    const auto s = container_settings(fake_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", bad}}, dir.path()));
    ASSERT_FALSE(s.has_value()) << bad;
    EXPECT_EQ(s.error().kind, AwsErrorKind::invalid_config);
  }
  EXPECT_FALSE(container_settings(fake_env({}, dir.path())).value().has_value());
}

TEST(Container, AuthorizationTokenFromValueOrFileButNeverWithLineBreaks) {
  rg::test::TempDir dir;
  ContainerSettings settings{"http://127.0.0.1/c", "value-token", std::nullopt};
  EXPECT_EQ(find_header(build_container_credentials_request(settings)->headers, "Authorization"), "value-token");
  settings.token_file = write_file(dir.path() / "tok", "file-token");
  EXPECT_EQ(find_header(build_container_credentials_request(settings)->headers, "Authorization"), "file-token");
  write_file(dir.path() / "tok", "evil\r\nX-Injected: 1");
  EXPECT_FALSE(build_container_credentials_request(settings));
  settings.token_file = dir.path() / "missing";
  EXPECT_EQ(build_container_credentials_request(settings).error().kind, AwsErrorKind::io);
}

TEST(Container, ErrorAnswersArePassedOn) {
  ContainerCredentialFetcher fetcher{ContainerSettings{"http://169.254.170.2/v2/credentials/x", {}, {}}};
  Script script;
  script.answers = {HttpResponse{400, {}, R"({"code":"InvalidIdentityToken","message":"token expired"})"}};
  const auto creds = fetch_credentials(fetcher, kNow, script.send());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, "InvalidIdentityToken");
  EXPECT_EQ(creds.error().http_status, 400);
  EXPECT_EQ(parse_container_credentials("[]").error().kind, AwsErrorKind::bad_response);
}

// --- STS -------------------------------------------------------------------------------------------------

const Endpoint kSts{"https://sts.eu-west-1.amazonaws.com", "eu-west-1", "sts", EndpointSource::builtin};

TEST(Sts, AssumeRoleRequestMatchesBotocoresForm) {
  const HttpRequest r = build_assume_role_request(
                            kSts, {"arn:aws:iam::123456789012:role/demo", "rg-session", "ext-1", 900})
                            .value();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(find_header(r.headers, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  // botocore: Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&...
  EXPECT_EQ(r.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
            "&RoleSessionName=rg-session&DurationSeconds=900&ExternalId=ext-1");
  EXPECT_FALSE(find_header(r.headers, "Authorization"));
}

TEST(Sts, RequestBuildersRefuseBadParameters) {
  EXPECT_FALSE(build_assume_role_request(kSts, {"not-an-arn", "rg-session", {}, {}}));
  EXPECT_FALSE(build_assume_role_request(kSts, {"arn:aws:iam::123456789012:role/demo", "x", {}, {}}));
  EXPECT_FALSE(build_assume_role_request(kSts, {"arn:aws:iam::123456789012:role/demo", "has space", {}, {}}));
  EXPECT_FALSE(build_assume_role_request(kSts, {"arn:aws:iam::123456789012:role/demo", "rg-session", {}, 60}));
  EXPECT_FALSE(build_assume_role_with_web_identity_request(kSts, {"arn:aws:iam::123456789012:role/demo", "rg-s", "f", {}}, ""));
}

TEST(Sts, ParsesBothResponseShapes) {
  const AwsCredentials role = parse_assume_role_response(kAssumeRoleResponse).value();
  EXPECT_EQ(role.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(role.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW");
  EXPECT_EQ(role.expiration, at("2019-11-09T13:34:41Z"));
  EXPECT_EQ(role.account_id, "123456789012");

  const AwsCredentials web = parse_assume_role_response(kWebIdentityResponse).value();
  EXPECT_EQ(web.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(web.session_token, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
  EXPECT_EQ(web.expiration, at("2014-10-24T23:00:23Z"));

  EXPECT_EQ(parse_assume_role_response("{}").error().message, "STS answer is not XML");
  EXPECT_EQ(parse_assume_role_response("<AssumeRoleResponse/>").error().message, "STS answer has no AssumeRoleResult");
  EXPECT_EQ(parse_assume_role_response("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
                                       "</Credentials></AssumeRoleResult></AssumeRoleResponse>")
                .error()
                .message,
            "STS answer lacks Credentials/SecretAccessKey");
}

TEST(Sts, WebIdentityFetcherReadsTheTokenEachTime) {
  rg::test::TempDir dir;
  const auto token = write_file(dir.path() / "token", "first-token\n");
  StsWebIdentityFetcher fetcher{kSts, {"arn:aws:iam::123456789012:role/irsa", "", token, std::nullopt}};
  const auto first = std::get<HttpRequest>(fetcher.start(kNow));
  EXPECT_NE(first.body.find("WebIdentityToken=first-token"), std::string::npos);
  EXPECT_NE(first.body.find("RoleSessionName=regionguard-1795244400"), std::string::npos);
  write_file(token, "rotated-token");
  const auto second = std::get<HttpRequest>(fetcher.start(kNow));
  EXPECT_NE(second.body.find("WebIdentityToken=rotated-token"), std::string::npos);

  const auto outcome = std::get<1>(fetcher.on_response(
      {400, {}, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>expired</Message></Error></ErrorResponse>"}));
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().code, "InvalidIdentityToken");
}

TEST(Sts, AssumeRoleFetcherStopsAtATransportError) {
  StsAssumeRoleFetcher fetcher{kSts, AwsCredentials{"AKIA", "s", {}, {}, {}},
                               {AssumeRoleParams{"arn:aws:iam::123456789012:role/demo", "rg-session", {}, {}}}};
  Script script;
  script.answers = {no_answer()};
  const auto creds = fetch_credentials(fetcher, kNow, script.send());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, AwsErrorKind::transport);
}

// A fetcher that never finishes must not hang the blocking driver.
class Endless final : public CredentialFetcher {
 public:
  std::string_view name() const override { return "endless"; }
  FetchStep start(TimePoint) override { return HttpRequest{"GET", "http://127.0.0.1/", {}, ""}; }
  FetchStep on_response(const HttpResponse&) override { return HttpRequest{"GET", "http://127.0.0.1/", {}, ""}; }
};

TEST(FetchDriver, GivesUpAfterTooManyRequests) {
  Endless endless;
  int calls = 0;
  const auto creds = fetch_credentials(endless, kNow, [&](const HttpRequest&) -> std::expected<HttpResponse, AwsError> {
    ++calls;
    return HttpResponse{200, {}, ""};
  }, 4);
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(creds.error().message, "endless made more than 4 requests");
}

}  // namespace
}  // namespace rg::aws
