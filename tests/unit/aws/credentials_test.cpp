// The credential chain: which source wins, profile selection, credential_process, role chains,
// and the refresh policy. The environment and home directory are fakes; files live in a TempDir;
// credential_process runs real shell scripts; HTTP answers are canned.
#include "aws/credentials.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>

#include "aws/sigv4.h"
#include "aws_test_util.h"
#include "support/temp_dir.h"

namespace rg::aws {
namespace {

using namespace std::chrono_literals;
using test::at;
using test::fake_env;
using test::Vars;
using test::write_file;
using test::write_script;

const TimePoint kNow = at("2026-11-21T07:00:00Z");

std::string sts_answer(std::string_view key, std::string_view account = "123456789012") {
  return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
         "<AssumedRoleUser><Arn>arn:aws:sts::" + std::string(account) + ":assumed-role/r/s</Arn>"
         "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
         "<Credentials><AccessKeyId>" + std::string(key) + "</AccessKeyId><SecretAccessKey>secret-" + std::string(key) +
         "</SecretAccessKey><SessionToken>token-" + std::string(key) + "</SessionToken>"
         "<Expiration>2026-11-21T08:00:00Z</Expiration></Credentials></AssumeRoleResult>"
         "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>";
}

// A blocking transport that records what it was asked and answers from a script.
struct FakeTransport {
  std::vector<HttpRequest> sent;
  std::deque<HttpResponse> answers;
  HttpSend send() {
    return [this](const HttpRequest& request) -> std::expected<HttpResponse, AwsError> {
      sent.push_back(request);
      if (answers.empty()) return std::unexpected(make_error(AwsErrorKind::transport, "no answer scripted"));
      HttpResponse r = std::move(answers.front());
      answers.pop_front();
      return r;
    };
  }
};

class CredentialChain : public ::testing::Test {
 protected:
  rg::test::TempDir dir_;
  std::filesystem::path home() const { return dir_.path() / "home"; }
  void config(std::string_view text) { write_file(home() / ".aws/config", text); }
  void credentials(std::string_view text) { write_file(home() / ".aws/credentials", text); }

  std::expected<std::unique_ptr<CredentialProvider>, AwsError> resolve(Vars vars, CredentialChainOptions options = {}) {
    return resolve_credential_provider(fake_env(std::move(vars), home()), options);
  }
  // Resolves and loads; the chain must not need HTTP.
  AwsCredentials load_local(Vars vars, CredentialChainOptions options = {}) {
    auto provider = resolve(std::move(vars), options);
    EXPECT_TRUE(provider.has_value()) << provider.error().to_string();
    if (!provider) return {};
    auto loaded = (*provider)->load();
    EXPECT_TRUE(loaded.has_value()) << loaded.error().to_string();
    if (!loaded) return {};
    EXPECT_TRUE(std::holds_alternative<AwsCredentials>(*loaded));
    return std::get<AwsCredentials>(std::move(*loaded));
  }
  CredentialSource source_of(Vars vars, CredentialChainOptions options = {}) {
    auto provider = resolve(std::move(vars), options);
    EXPECT_TRUE(provider.has_value()) << provider.error().to_string();
    return provider ? (*provider)->source() : CredentialSource::environment;
  }
};

// --- environment -----------------------------------------------------------------------------------

TEST_F(CredentialChain, EnvironmentComesFirst) {
  credentials("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n");
  const Vars env{{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                 {"AWS_SESSION_TOKEN", "env-token"}, {"AWS_CREDENTIAL_EXPIRATION", "2026-11-21T08:00:00Z"},
                 {"AWS_ACCOUNT_ID", "111122223333"}};
  EXPECT_EQ(source_of(env), CredentialSource::environment);
  const AwsCredentials creds = load_local(env);
  EXPECT_EQ(creds.access_key_id, "AKIAENV");
  EXPECT_EQ(creds.secret_access_key, "env-secret");
  EXPECT_EQ(creds.session_token, "env-token");
  EXPECT_EQ(creds.expiration, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(creds.account_id, "111122223333");
}

TEST_F(CredentialChain, EnvironmentPrefersTheOldTokenNameAsBotocoreDoes) {
  const AwsCredentials creds = load_local({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"},
                                           {"AWS_SECURITY_TOKEN", "old"}, {"AWS_SESSION_TOKEN", "new"}});
  EXPECT_EQ(creds.session_token, "old");
}

TEST_F(CredentialChain, AHalfKeyPairInTheEnvironmentIsAnErrorNotASkip) {
  credentials("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n");
  const auto provider = resolve({{"AWS_ACCESS_KEY_ID", "AKIAENV"}});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().kind, AwsErrorKind::invalid_config);
  EXPECT_EQ(provider.error().message, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  // An empty access key counts as unset: the file is used.
  EXPECT_EQ(load_local({{"AWS_ACCESS_KEY_ID", ""}}).access_key_id, "AKIAFILE");
}

TEST_F(CredentialChain, AnExplicitProfileSkipsTheEnvironmentButAwsProfileDoesNot) {
  credentials("[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = s\n");
  const Vars env{{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "e"}};
  CredentialChainOptions options;
  options.profile = "prod";
  EXPECT_EQ(load_local(env, options).access_key_id, "AKIAPROD");
  Vars with_profile = env;
  with_profile["AWS_PROFILE"] = "prod";
  EXPECT_EQ(load_local(with_profile).access_key_id, "AKIAENV");
}

// --- shared files ------------------------------------------------------------------------------------

TEST_F(CredentialChain, SharedCredentialsFileDefaultProfile) {
  credentials("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\naws_session_token = t\n"
              "aws_account_id = 444455556666\n");
  EXPECT_EQ(source_of({}), CredentialSource::shared_credentials_file);
  const AwsCredentials creds = load_local({});
  EXPECT_EQ(creds.access_key_id, "AKIADEFAULT");
  EXPECT_EQ(creds.session_token, "t");
  EXPECT_EQ(creds.account_id, "444455556666");
  EXPECT_FALSE(creds.expiration);
}

TEST_F(CredentialChain, ProfileSelectionUsesPrefixedSectionsOnlyInTheConfigFile) {
  config("[profile staging]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n");
  credentials("[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = s\n"
              "[profile staging]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = s\n");
  EXPECT_EQ(load_local({{"AWS_PROFILE", "prod"}}).access_key_id, "AKIAPROD");
  EXPECT_EQ(source_of({{"AWS_PROFILE", "staging"}}), CredentialSource::config_file);
  EXPECT_EQ(load_local({{"AWS_PROFILE", "staging"}}).access_key_id, "AKIACONFIG");
  EXPECT_EQ(load_local({{"AWS_PROFILE", "prod"}, {"AWS_DEFAULT_PROFILE", "staging"}}).access_key_id, "AKIACONFIG");
}

TEST_F(CredentialChain, CredentialsFileBeatsCredentialProcessBeatsConfigFile) {
  const auto script = write_script(dir_.path() / "creds.sh",
                                   R"(echo '{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "p"}')");
  config("[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\ncredential_process = " + script.string() + "\n");
  EXPECT_EQ(source_of({}), CredentialSource::credential_process);
  EXPECT_EQ(load_local({}).access_key_id, "AKIAPROCESS");

  credentials("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n");
  EXPECT_EQ(source_of({}), CredentialSource::shared_credentials_file);
  EXPECT_EQ(load_local({}).access_key_id, "AKIAFILE");
}

TEST_F(CredentialChain, ANamedProfileThatDoesNotExistIsAnError) {
  credentials("[default]\naws_access_key_id = A\naws_secret_access_key = s\n");
  const auto provider = resolve({{"AWS_PROFILE", "typo"}});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().kind, AwsErrorKind::invalid_config);
  EXPECT_NE(provider.error().message.find("profile 'typo' is in neither"), std::string::npos);
}

TEST_F(CredentialChain, AKeyWithoutASecretInAFileIsAnError) {
  credentials("[default]\naws_access_key_id = A\n");
  const auto provider = resolve({});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().message,
            (home() / ".aws/credentials").string() + " [default] has aws_access_key_id but no aws_secret_access_key");
}

TEST_F(CredentialChain, SsoProfilesAreRefusedClearly) {
  config("[default]\nsso_session = corp\nsso_account_id = 1\n[sso-session corp]\nsso_start_url = https://x\n");
  const auto provider = resolve({});
  ASSERT_FALSE(provider.has_value());
  EXPECT_NE(provider.error().message.find("SSO"), std::string::npos);
}

// --- credential_process ---------------------------------------------------------------------------------

TEST_F(CredentialChain, CredentialProcessWithExpiryAndQuotedArguments) {
  // The script prints what it was given as the session token: quoting must survive (no shell).
  const auto script = write_script(dir_.path() / "bin/creds tool.sh", R"(
printf '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s", "SessionToken": "%s", "Expiration": "2026-11-21T08:00:00Z", "AccountId": "777788889999"}' "$1")");
  config("[profile p]\ncredential_process = \"" + script.string() + "\" 'two words'\n");
  const AwsCredentials creds = load_local({{"AWS_PROFILE", "p"}});
  EXPECT_EQ(creds.access_key_id, "AKIAPROC");
  EXPECT_EQ(creds.session_token, "two words");
  EXPECT_EQ(creds.expiration, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(creds.account_id, "777788889999");
}

TEST_F(CredentialChain, CredentialProcessAccountIdFallsBackToTheProfile) {
  const auto script = write_script(dir_.path() / "c.sh", R"(echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s"}')");
  config("[default]\ncredential_process = " + script.string() + "\naws_account_id = 123456789012\n");
  EXPECT_EQ(load_local({}).account_id, "123456789012");
}

std::string process_failure(const std::filesystem::path& dir, const std::string& script_body,
                            std::chrono::milliseconds timeout = kDefaultProcessTimeout) {
  const auto script = write_script(dir / "p.sh", script_body);
  const auto creds = run_credential_process(script.string(), timeout);
  EXPECT_FALSE(creds.has_value());
  if (creds) return {};
  EXPECT_EQ(creds.error().kind, AwsErrorKind::credential_process);
  return creds.error().message;
}

TEST_F(CredentialChain, CredentialProcessFailuresSayWhatWentWrong) {
  const std::string script = (dir_.path() / "p.sh").string();
  EXPECT_EQ(process_failure(dir_.path(), "echo 'token expired, run login' >&2; exit 3"),
            "credential_process '" + script + "' exited with status 3: token expired, run login");
  // Bad output never ends up in the message: it may hold secrets.
  EXPECT_EQ(process_failure(dir_.path(), "echo 'AccessKeyId=AKIA SecretAccessKey=hunter2'"),
            "credential_process output is not a JSON object");
  EXPECT_EQ(process_failure(dir_.path(), R"(echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}')"),
            "credential_process output has Version 2; only 1 is supported");
  EXPECT_EQ(process_failure(dir_.path(), R"(echo '{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "s"}')"),
            "credential_process output has Version \"1\"; only 1 is supported");
  EXPECT_EQ(process_failure(dir_.path(), R"(echo '{"Version": 1, "AccessKeyId": "A"}')"),
            "credential_process output lacks SecretAccessKey");
  EXPECT_EQ(process_failure(dir_.path(), R"(echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}')")
                .substr(0, 52),
            "credential_process output has a bad Expiration: bad ");
  EXPECT_EQ(process_failure(dir_.path(), "kill -9 $$"), "credential_process '" + script + "' was killed by signal 9");
  EXPECT_EQ(process_failure(dir_.path(), "exec sleep 5", 200ms),
            "credential_process '" + script + "' did not finish within 200 ms and was killed");

  const auto missing = run_credential_process("/nonexistent/helper --flag");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "cannot run '/nonexistent/helper': No such file or directory");
}

TEST_F(CredentialChain, AFailingCredentialProcessIsReportedByLoad) {
  const auto script = write_script(dir_.path() / "fail.sh", "echo nope >&2; exit 1");
  config("[default]\ncredential_process = " + script.string() + "\n");
  auto provider = resolve({});
  ASSERT_TRUE(provider.has_value());  // resolving runs nothing
  const auto loaded = (*provider)->load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message, "credential_process '" + script.string() + "' exited with status 1: nope");
}

// --- web identity ------------------------------------------------------------------------------------------

TEST_F(CredentialChain, WebIdentityFromTheEnvironment) {
  const auto token = write_file(dir_.path() / "token", "eyJhbGciOi.payload.sig\n");
  const Vars env{{"AWS_WEB_IDENTITY_TOKEN_FILE", token.string()},
                 {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"},
                 {"AWS_ROLE_SESSION_NAME", "rg-pod"},
                 {"AWS_REGION", "eu-west-1"}};
  auto provider = resolve(env);
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  EXPECT_EQ((*provider)->source(), CredentialSource::web_identity);

  FakeTransport transport;
  std::string answer = sts_answer("ASIAWEB");
  for (auto [from, to] : {std::pair{"AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse"},
                          std::pair{"AssumeRoleResult", "AssumeRoleWithWebIdentityResult"}}) {
    for (auto pos = answer.find(from); pos != std::string::npos; pos = answer.find(from, pos + std::strlen(to))) {
      answer.replace(pos, std::strlen(from), to);
    }
  }
  transport.answers.push_back({200, {}, answer});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAWEB");
  ASSERT_EQ(transport.sent.size(), 1u);
  const HttpRequest& sent = transport.sent[0];
  EXPECT_EQ(sent.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(sent.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Firsa&RoleSessionName=rg-pod"
            "&WebIdentityToken=eyJhbGciOi.payload.sig");
  EXPECT_FALSE(find_header(sent.headers, "Authorization"));  // this call is not signed
}

TEST_F(CredentialChain, WebIdentityFromTheProfileAndItsErrors) {
  const auto token = write_file(dir_.path() / "token", "tok");
  config("[profile wi]\nweb_identity_token_file = " + token.string() + "\nrole_arn = arn:aws:iam::123456789012:role/wi\n"
         "[profile noarn]\nweb_identity_token_file = " + token.string() + "\n");
  EXPECT_EQ(source_of({{"AWS_PROFILE", "wi"}}), CredentialSource::web_identity);

  const auto no_arn = resolve({{"AWS_PROFILE", "noarn"}});
  ASSERT_FALSE(no_arn.has_value());
  EXPECT_NE(no_arn.error().message.find("no role ARN"), std::string::npos);

  // The token file is read at fetch time (it rotates); a missing one fails the fetch.
  const auto gone = write_file(dir_.path() / "gone", "x");
  std::filesystem::remove(gone);
  auto provider = resolve({{"AWS_WEB_IDENTITY_TOKEN_FILE", gone.string()}, {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/x"}});
  ASSERT_TRUE(provider.has_value());
  FakeTransport transport;
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, AwsErrorKind::io);
  EXPECT_TRUE(transport.sent.empty());
}

// --- assume role ------------------------------------------------------------------------------------------

TEST_F(CredentialChain, AssumeRoleFromASourceProfileSignsWithItsKeys) {
  config("[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"
         "role_session_name = rg-ops\nexternal_id = ext-7\nduration_seconds = 900\nregion = us-west-2\n");
  credentials("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n");
  auto provider = resolve({{"AWS_PROFILE", "ops"}});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  EXPECT_EQ((*provider)->source(), CredentialSource::assume_role);

  FakeTransport transport;
  transport.answers.push_back({200, {}, sts_answer("ASIAOPS")});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAOPS");
  EXPECT_EQ(creds->session_token, "token-ASIAOPS");
  EXPECT_EQ(creds->expiration, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(creds->account_id, "123456789012");

  ASSERT_EQ(transport.sent.size(), 1u);
  const HttpRequest& sent = transport.sent[0];
  EXPECT_EQ(sent.url, "https://sts.us-west-2.amazonaws.com/");  // the profile's region
  EXPECT_EQ(sent.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fops"
            "&RoleSessionName=rg-ops&DurationSeconds=900&ExternalId=ext-7");
  // Signed with the source profile's keys, for STS in that region, at the time passed in.
  EXPECT_EQ(find_header(sent.headers, "X-Amz-Date"), "20261121T070000Z");
  const auto auth = std::string(find_header(sent.headers, "Authorization").value());
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIABASE/20261121/us-west-2/sts/aws4_request, "
                               "SignedHeaders=content-type;host;x-amz-date, Signature="))
      << auth;
  HttpRequest unsigned_request = sent;
  remove_header(unsigned_request.headers, "Authorization");
  remove_header(unsigned_request.headers, "X-Amz-Date");
  const auto resigned = sign_request(unsigned_request, {{"AKIABASE", "base-secret", {}, {}, {}}, "us-west-2", "sts", kNow, {}, {}});
  EXPECT_EQ(auth, resigned.value().authorization);
}

TEST_F(CredentialChain, RoleChainsAssumeEachRoleWithThePreviousCredentials) {
  config("[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n"
         "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = c\n"
         "[profile c]\naws_access_key_id = AKIAC\naws_secret_access_key = c-secret\n");
  auto provider = resolve({{"AWS_PROFILE", "a"}, {"AWS_DEFAULT_REGION", "eu-central-1"}});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  FakeTransport transport;
  transport.answers.push_back({200, {}, sts_answer("ASIAB", "222222222222")});
  transport.answers.push_back({200, {}, sts_answer("ASIAA", "111111111111")});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAA");
  EXPECT_EQ(creds->account_id, "111111111111");
  ASSERT_EQ(transport.sent.size(), 2u);
  // First role b with c's keys, then role a with b's temporary credentials (and their token).
  EXPECT_NE(transport.sent[0].body.find("role%2Fb"), std::string::npos);
  EXPECT_NE(find_header(transport.sent[0].headers, "Authorization")->find("Credential=AKIAC/"), std::string::npos);
  EXPECT_FALSE(find_header(transport.sent[0].headers, "X-Amz-Security-Token"));
  EXPECT_NE(transport.sent[1].body.find("role%2Fa"), std::string::npos);
  EXPECT_NE(find_header(transport.sent[1].headers, "Authorization")->find("Credential=ASIAB/"), std::string::npos);
  EXPECT_EQ(find_header(transport.sent[1].headers, "X-Amz-Security-Token"), "token-ASIAB");
  // Default session names carry the time.
  EXPECT_NE(transport.sent[0].body.find("RoleSessionName=regionguard-1795244400"), std::string::npos);
}

TEST_F(CredentialChain, AssumeRoleErrorsFromStsArePassedOn) {
  config("[default]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = base\n"
         "[profile base]\naws_access_key_id = A\naws_secret_access_key = s\n");
  auto provider = resolve({});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  FakeTransport transport;
  transport.answers.push_back(
      {403, {}, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error>"
                "<RequestId>q</RequestId></ErrorResponse>"});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, "AccessDenied");
  EXPECT_EQ(creds.error().http_status, 403);
}

TEST_F(CredentialChain, AssumeRoleFromCredentialSourceOrACredentialProcessProfile) {
  const auto script = write_script(dir_.path() / "c.sh", R"(echo '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s"}')");
  config("[profile env]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n"
         "[profile proc]\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = helper\n"
         "[profile helper]\ncredential_process = " + script.string() + "\n");
  for (auto [profile, key] : {std::pair{"env", "AKIAENV"}, std::pair{"proc", "AKIAPROC"}}) {
    auto provider = resolve({{"AWS_PROFILE", profile}, {"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "e"}});
    ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
    // The environment holds keys too, but the profile with role_arn... comes after them in the
    // chain, so the environment wins unless the profile is chosen explicitly.
    EXPECT_EQ((*provider)->source(), CredentialSource::environment);
    CredentialChainOptions options;
    options.profile = profile;
    provider = resolve({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "e"}}, options);
    ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
    EXPECT_EQ((*provider)->source(), CredentialSource::assume_role);
    FakeTransport transport;
    transport.answers.push_back({200, {}, sts_answer("ASIAX")});
    ASSERT_TRUE(load_credentials(**provider, kNow, transport.send()).has_value());
    EXPECT_NE(find_header(transport.sent.at(0).headers, "Authorization")->find(std::string("Credential=") + key + "/"),
              std::string::npos)
        << profile;
  }
}

TEST_F(CredentialChain, AssumeRoleFromTheContainerFetchesThenAssumes) {
  config("[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = EcsContainer\n");
  CredentialChainOptions options;
  options.profile = "ecs";
  auto provider = resolve({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}}, options);
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  FakeTransport transport;
  transport.answers.push_back({200, {}, R"({"AccessKeyId":"ASIATASK","SecretAccessKey":"t","Token":"task-token","Expiration":"2026-11-21T09:00:00Z"})"});
  transport.answers.push_back({200, {}, sts_answer("ASIAROLE")});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAROLE");
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[0].url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(find_header(transport.sent[1].headers, "X-Amz-Security-Token"), "task-token");
}

TEST_F(CredentialChain, BrokenRoleProfilesAreErrors) {
  config("[profile both]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = k\ncredential_source = Environment\n"
         "[profile neither]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
         "[profile loop1]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop2\n"
         "[profile loop2]\nrole_arn = arn:aws:iam::123456789012:role/y\nsource_profile = loop1\n"
         "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = k\nmfa_serial = arn:aws:iam::1:mfa/u\n"
         "[profile ghost]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = nobody\n"
         "[profile empty_source]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = bare\n"
         "[profile bare]\nregion = us-east-1\n"
         "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/x\ncredential_source = EcsContainer\n"
         "[profile odd]\nrole_arn = arn:aws:iam::123456789012:role/x\ncredential_source = Magic\n"
         "[profile k]\naws_access_key_id = A\naws_secret_access_key = s\n");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"both", "profile 'both' has both source_profile and credential_source"},
      {"neither", "profile 'neither' has role_arn but neither source_profile nor credential_source"},
      {"loop1", "source_profile loop through profile 'loop1'"},
      {"mfa", "profile 'mfa' needs an MFA token (mfa_serial), which a daemon cannot prompt for"},
      {"ghost", "profile 'ghost' has source_profile 'nobody', which does not exist"},
      {"empty_source", "source profile 'bare' has no credentials"},
      {"ecs", "profile 'ecs' takes its credentials from the container, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI is not set"},
      {"odd", "profile 'odd': unknown credential_source 'Magic' (Environment, Ec2InstanceMetadata or EcsContainer)"},
  };
  for (const auto& [profile, message] : cases) {
    const auto provider = resolve({{"AWS_PROFILE", profile}});
    ASSERT_FALSE(provider.has_value()) << profile;
    EXPECT_EQ(provider.error().kind, AwsErrorKind::invalid_config) << profile;
    EXPECT_EQ(provider.error().message, message) << profile;
  }
}

TEST_F(CredentialChain, AProfileMaySourceItselfForItsOwnKeys) {
  // botocore allows this one "cycle": the profile's own static keys assume its role.
  config("[profile self]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = self\n"
         "aws_access_key_id = AKIASELF\naws_secret_access_key = s\n");
  auto provider = resolve({{"AWS_PROFILE", "self"}});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  FakeTransport transport;
  transport.answers.push_back({200, {}, sts_answer("ASIASELF")});
  ASSERT_TRUE(load_credentials(**provider, kNow, transport.send()).has_value());
  EXPECT_NE(find_header(transport.sent.at(0).headers, "Authorization")->find("Credential=AKIASELF/"), std::string::npos);
}

TEST_F(CredentialChain, StsCallsHonourConfiguredEndpoints) {
  config("[default]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = k\n"
         "[profile k]\naws_access_key_id = A\naws_secret_access_key = s\n");
  auto provider = resolve({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566/"}, {"AWS_REGION", "ap-southeast-2"}});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  FakeTransport transport;
  transport.answers.push_back({200, {}, sts_answer("ASIAX")});
  ASSERT_TRUE(load_credentials(**provider, kNow, transport.send()).has_value());
  EXPECT_EQ(transport.sent.at(0).url, "http://127.0.0.1:4566/");
  EXPECT_NE(find_header(transport.sent[0].headers, "Authorization")->find("/ap-southeast-2/sts/aws4_request"), std::string::npos);
}

// --- container and instance metadata: the end of the chain ------------------------------------------------

TEST_F(CredentialChain, ContainerCredentialsComeBeforeInstanceMetadata) {
  const auto token = write_file(dir_.path() / "eks-token", "eks-pod-identity-token");
  auto provider = resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.string()},
                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored: the file wins"}});
  ASSERT_TRUE(provider.has_value()) << provider.error().to_string();
  EXPECT_EQ((*provider)->source(), CredentialSource::container);
  FakeTransport transport;
  transport.answers.push_back({200, {}, R"({"AccessKeyId":"ASIAPOD","SecretAccessKey":"p","Token":"t","Expiration":"2026-11-21T09:00:00Z","AccountId":"123456789012"})"});
  const auto creds = load_credentials(**provider, kNow, transport.send());
  ASSERT_TRUE(creds.has_value()) << creds.error().to_string();
  EXPECT_EQ(creds->account_id, "123456789012");
  EXPECT_EQ(find_header(transport.sent.at(0).headers, "Authorization"), "eks-pod-identity-token");
}

TEST_F(CredentialChain, InstanceMetadataIsTheLastResortUnlessDisabled) {
  EXPECT_EQ(source_of({}), CredentialSource::instance_metadata);
  const auto none = resolve({{"AWS_EC2_METADATA_DISABLED", "TRUE"}});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().kind, AwsErrorKind::no_credentials);
}

TEST_F(CredentialChain, AMalformedConfigFileStopsTheChain) {
  config("[default]\nregion\n");
  const auto provider = resolve({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().kind, AwsErrorKind::invalid_config);
}

// --- refresh policy ------------------------------------------------------------------------------------------

TEST(CachedCredentialsPolicy, RefreshesAdvisedAt15MinutesAndRequiredAt10) {
  CachedCredentials cache;
  // Nothing cached: fetch before use.
  EXPECT_EQ(cache.need(kNow), RefreshNeed::mandatory);
  EXPECT_FALSE(cache.get(kNow));

  AwsCredentials creds{"ASIA", "s", "t", at("2026-11-21T08:00:00Z"), {}};
  cache.store(creds);
  // An hour left: nothing to do.
  EXPECT_EQ(cache.need(kNow), RefreshNeed::none);
  EXPECT_EQ(cache.refresh_at(), at("2026-11-21T07:45:00Z"));
  // 15 minutes left: refresh in the background, keep signing with these.
  EXPECT_EQ(cache.need(at("2026-11-21T07:44:59Z")), RefreshNeed::none);
  EXPECT_EQ(cache.need(at("2026-11-21T07:45:00Z")), RefreshNeed::advisory);
  EXPECT_EQ(cache.get(at("2026-11-21T07:45:00Z")), creds);
  // 10 minutes left: refresh before use ...
  EXPECT_EQ(cache.need(at("2026-11-21T07:50:00Z")), RefreshNeed::mandatory);
  // ... though until they expire they are still handed out if the caller must.
  EXPECT_EQ(cache.get(at("2026-11-21T07:59:59Z")), creds);
  // Expired: gone.
  EXPECT_FALSE(cache.get(at("2026-11-21T08:00:00Z")));

  // A refresh resets the clock.
  creds.expiration = at("2026-11-21T09:00:00Z");
  cache.store(creds);
  EXPECT_EQ(cache.need(at("2026-11-21T07:50:00Z")), RefreshNeed::none);
}

TEST(CachedCredentialsPolicy, LongTermKeysNeverRefreshAndWindowsAreConfigurable) {
  CachedCredentials forever;
  forever.store({"AKIA", "s", {}, {}, {}});
  EXPECT_EQ(forever.need(at("2099-01-01T00:00:00Z")), RefreshNeed::none);
  EXPECT_FALSE(forever.refresh_at());

  CachedCredentials tight{RefreshPolicy{5min, 1min}};
  tight.store({"ASIA", "s", "t", at("2026-11-21T07:10:00Z"), {}});
  EXPECT_EQ(tight.need(at("2026-11-21T07:04:00Z")), RefreshNeed::none);
  EXPECT_EQ(tight.need(at("2026-11-21T07:05:00Z")), RefreshNeed::advisory);
  EXPECT_EQ(tight.need(at("2026-11-21T07:09:00Z")), RefreshNeed::mandatory);
  tight.clear();
  EXPECT_TRUE(tight.empty());
}

}  // namespace
}  // namespace rg::aws
