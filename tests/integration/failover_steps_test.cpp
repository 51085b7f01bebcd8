// The failover steps beyond Route 53 against real servers: RFC 2136 updates signed with TSIG
// against knotd (applied, refused with the right name for a wrong key or secret, undone), our
// TSIG verification against knsupdate's signature, the final DNS answer check, the CloudFront
// origin switch and the DynamoDB and S3 readiness checks against moto_server, and a plan built
// from configuration running every new step through PlanExecutor.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "support/owned_journal.h"
#include "aws/aws_client.h"
#include "aws/aws_xml.h"
#include "aws/cloudfront_api.h"
#include "aws/dynamodb_api.h"
#include "aws/protocol_json.h"
#include "aws/protocol_rest_xml.h"
#include "act/failover/cloudfront_step.h"
#include "act/failover/dns_answer_check.h"
#include "act/failover/dns_update_step.h"
#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "act/failover/readiness_checks.h"
#include "net/curl_multi.h"
#include "support/child_process.h"
#include "support/dns_client.h"
#include "support/free_port.h"
#include "aws_test_clients.h"
#include "support/knot_server.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using namespace rg::aws;

constexpr std::string_view kSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

// An event loop and helpers to run one step function on it to its end.
class LoopTest : public ::testing::Test {
 protected:
  StepResult run(const StepFunction& function) {
    std::optional<StepResult> out;
    function([&out](StepResult r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    if (!out) return std::unexpected("the test gave up waiting for the step");
    return *out;
  }
  template <typename Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
  }

  boost::asio::io_context io_;
  AsioScheduler scheduler_{io_};
};

// --- RFC 2136 + TSIG against knotd ----------------------------------------------------------------

class DnsUpdateStepTest : public LoopTest {
 protected:
  DnsUpdateStepTest()
      : knot_({.zone = "example.test.",
               .records = {{"app", "A", "192.0.2.1", 60}, {"app", "A", "192.0.2.2", 60}, {"www", "CNAME", "app", 60}},
               .update_key = test::TsigKey{"failover-key", "hmac-sha256", std::string(kSecret)}}) {}

  DnsUpdateTarget target(std::string value = "198.51.100.7") const {
    return {{knot_.address(), knot_.port()}, "example.test", "app.example.test", dns::kTypeA, 30, std::move(value),
            {"failover-key", "hmac-sha256", dns::decode_base64(kSecret).value()}, 3s};
  }

  // What knotd serves for (name, type), asked with the test's own DNS client.
  std::vector<std::string> served(std::string_view name, std::uint16_t type = dns::kTypeA) {
    const auto query = test::dns::make_query(4242, name, type, false);
    const auto answer = test::dns::exchange(test::dns::Transport::udp, knot_.address(), knot_.port(), query, 2s);
    if (!answer) throw std::runtime_error(answer.error().message());
    const auto message = test::dns::parse_message(*answer).value();
    std::vector<std::string> values;
    for (const auto& record : message.answers)
      if (record.type == type) values.push_back(test::dns::rdata_text(record));
    std::ranges::sort(values);
    return values;
  }

  test::KnotServer knot_;
  WaitOptions wait_{100ms, 10s};
};

TEST_F(DnsUpdateStepTest, TheUpdateIsServedAndUndoPutsBothRecordsBack) {
  ASSERT_EQ(served("app.example.test"), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  auto step = dns_update_step(io_.get_executor(), scheduler_, target(), wait_);
  const auto acted = run(step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_NE(acted->find("UPDATE accepted"), std::string::npos) << *acted;  // and knotd's TSIG verified
  const auto verified = run(step.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(served("app.example.test"), (std::vector<std::string>{"198.51.100.7"}));
  // Idempotent: running the action again (a resumed plan) changes nothing and keeps the original.
  ASSERT_TRUE(run(step.action));
  EXPECT_EQ(served("app.example.test"), (std::vector<std::string>{"198.51.100.7"}));

  const auto undone = run(step.undo);
  ASSERT_TRUE(undone) << undone.error();
  EXPECT_EQ(served("app.example.test"), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
}

TEST_F(DnsUpdateStepTest, ANameThatDidNotExistIsDeletedOnUndo) {
  auto t = target("203.0.113.5");
  t.name = "new.example.test";
  auto step = dns_update_step(io_.get_executor(), scheduler_, t, wait_);
  ASSERT_TRUE(run(step.action));
  ASSERT_TRUE(run(step.verify));
  EXPECT_EQ(served("new.example.test"), (std::vector<std::string>{"203.0.113.5"}));
  ASSERT_TRUE(run(step.undo));
  EXPECT_TRUE(served("new.example.test").empty());
}

TEST_F(DnsUpdateStepTest, AnUnknownKeyIsReportedAsSuchAndChangesNothing) {
  auto t = target();
  t.key.name = "not-a-key";
  auto step = dns_update_step(io_.get_executor(), scheduler_, t, wait_);
  const auto acted = run(step.action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("NOTAUTH"), std::string::npos) << acted.error();
  EXPECT_NE(acted.error().find("BADKEY"), std::string::npos) << acted.error();
  EXPECT_EQ(served("app.example.test"), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
}

TEST_F(DnsUpdateStepTest, AWrongSecretIsBadsigAndChangesNothing) {
  auto t = target();
  t.key.secret[0] ^= 0x5a;
  auto step = dns_update_step(io_.get_executor(), scheduler_, t, wait_);
  const auto acted = run(step.action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("BADSIG"), std::string::npos) << acted.error();
  EXPECT_EQ(served("app.example.test"), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
}

TEST_F(DnsUpdateStepTest, VerificationTimesOutWithWhatTheServerServes) {
  // Verify without the action: the server keeps serving the old records.
  auto step = dns_update_step(io_.get_executor(), scheduler_, target(), {100ms, 500ms});
  const auto verified = run(step.verify);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().find("timed out"), std::string::npos) << verified.error();
  EXPECT_NE(verified.error().find("serves 192.0.2.1, 192.0.2.2"), std::string::npos) << verified.error();
}

TEST_F(DnsUpdateStepTest, AServerThatIsNotAuthoritativeIsRefusedBeforeAnyUpdate) {
  auto t = target();
  t.zone = "other.test";
  t.name = "app.other.test";
  auto step = dns_update_step(io_.get_executor(), scheduler_, t, wait_);
  const auto acted = run(step.action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("not authoritative"), std::string::npos) << acted.error();
}

// knsupdate (Knot's nsupdate) signs an update; our verifier must accept that signature, and the
// message must have the shape of ours (one zone, two update records: delete RRset, add).
TEST(TsigInterop, WeVerifyKnsupdatesSignature) {
  const auto knsupdate = test::find_executable("knsupdate");
  ASSERT_TRUE(knsupdate) << "knsupdate is missing: apt-get install knot-dnsutils";
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  test::TempDir dir;
  std::ofstream(dir.path() / "update.txt") << "server 127.0.0.1 " << ntohs(address.sin_port) << "\n"
                                           << "zone example.test.\n"
                                           << "update delete app.example.test. A\n"
                                           << "update add app.example.test. 30 A 198.51.100.7\n"
                                           << "send\n";
  test::ChildProcess child({knsupdate->string(), "-y", "hmac-sha256:failover-key:" + std::string(kSecret), "-t", "2",
                            "-r", "0", (dir.path() / "update.txt").string()},
                           dir.path() / "knsupdate.log");
  std::array<std::uint8_t, 4096> buffer{};
  const auto received = ::recv(fd, buffer.data(), buffer.size(), 0);
  ::close(fd);
  child.stop(100ms);
  ASSERT_GT(received, 0) << "knsupdate sent nothing: " << test::file_tail(dir.path() / "knsupdate.log");
  const std::span packet(buffer.data(), static_cast<std::size_t>(received));
  const auto now = static_cast<std::uint64_t>(::time(nullptr));
  const dns::TsigKey key{"failover-key", "hmac-sha256", dns::decode_base64(kSecret).value()};
  const auto verified = dns::tsig_verify(packet, key, std::nullopt, now);
  ASSERT_TRUE(verified) << verified.error();
  ASSERT_EQ(verified->authority.size(), 2u);  // the update section
  EXPECT_EQ(verified->authority[0].klass, dns::kClassAny);
  EXPECT_EQ(verified->authority[1].value, "198.51.100.7");
  // Someone else's key does not verify it.
  auto other = key;
  other.secret.back() ^= 1;
  EXPECT_NE(dns::tsig_verify(packet, other, std::nullopt, now).error().find("BADSIG"), std::string::npos);
}

// --- the final answer check -------------------------------------------------------------------------

class DnsAnswerCheckTest : public LoopTest {
 protected:
  DnsAnswerCheckTest()
      : knot_({.zone = "example.test.",
               .records = {{"app", "A", "192.0.2.1", 60}, {"www", "CNAME", "app", 60}},
               .update_key = std::nullopt}) {}
  DnsAnswerTarget target(std::string name, std::uint16_t type, std::string value) const {
    return {std::move(name), type, {{knot_.address(), knot_.port()}}, std::move(value), 2s};
  }
  test::KnotServer knot_;
};

TEST_F(DnsAnswerCheckTest, PassesWhenTheAnswerHasTheValueAndSaysWhatItSawWhenNot) {
  const auto ok = run(dns_answer_check(io_.get_executor(), target("app.example.test", dns::kTypeA, "192.0.2.1")));
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_NE(ok->find("192.0.2.1"), std::string::npos);
  EXPECT_TRUE(run(dns_answer_check(io_.get_executor(), target("WWW.example.test.", dns::kTypeCname, "app.example.test"))));

  const auto wrong = run(dns_answer_check(io_.get_executor(), target("app.example.test", dns::kTypeA, "198.51.100.7")));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), "app.example.test does not resolve to 198.51.100.7 (127.0.0.1:" +
                               std::to_string(knot_.port()) + ": 192.0.2.1)");
  const auto missing = run(dns_answer_check(io_.get_executor(), target("nope.example.test", dns::kTypeA, "192.0.2.1")));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("NXDOMAIN"), std::string::npos) << missing.error();
}

TEST_F(DnsAnswerCheckTest, TheVerifyStepWaitsForTheChange) {
  auto step = verify_dns_step(io_.get_executor(), scheduler_, target("app.example.test", dns::kTypeA, "198.51.100.7"),
                              {100ms, 20s});
  EXPECT_TRUE(run(step.action));  // changes nothing
  EXPECT_FALSE(step.undo);
  // The record changes while the step polls: first it sees the old answer, then the new one.
  std::optional<StepResult> verified;
  step.verify([&](StepResult r) { verified = std::move(r); });
  const auto polling_until = std::chrono::steady_clock::now() + 500ms;
  run_until([&] { return verified.has_value() || std::chrono::steady_clock::now() > polling_until; });
  EXPECT_FALSE(verified.has_value()) << "the answer did not contain the value yet";
  knot_.replace_records({{"app", "A", "198.51.100.7", 60}});
  run_until([&] { return verified.has_value(); });
  ASSERT_TRUE(verified);
  ASSERT_TRUE(*verified) << verified->error();
  // Through a resolver list with one that never answers, the step cannot pass: every one must agree.
  auto strict = target("app.example.test", dns::kTypeA, "198.51.100.7");
  strict.resolvers.push_back({"127.0.0.1", test::free_port()});
  strict.query_timeout = 300ms;
  auto both = verify_dns_step(io_.get_executor(), scheduler_, strict, {100ms, 1s});
  const auto refused = run(both.verify);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("timed out"), std::string::npos) << refused.error();
}

// --- CloudFront and the readiness checks against moto ----------------------------------------------

class MotoStepsTest : public LoopTest {
 protected:
  static void SetUpTestSuite() { moto_ = new test::MotoServer(); }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { moto_->reset(); }

  AwsClient& client(std::string_view service, std::string_view region) { return aws_.client(service, region); }
  HttpResponse raw(AwsClient& c, AwsRequest request) { return aws_.raw(c, std::move(request)); }

  // `reference`: another CallerReference, for a second distribution in one test.
  std::string create_distribution(std::string_view reference = "regionguard-test") {
    std::ifstream in(std::filesystem::path(RG_SOURCE_DIR) / "tests/data/aws/distribution_config.xml");
    std::string config_xml((std::istreambuf_iterator<char>(in)), {});
    const std::string tag = "<CallerReference>regionguard-test</CallerReference>";
    if (const auto at = config_xml.find(tag); at != std::string::npos)
      config_xml.replace(at, tag.size(), "<CallerReference>" + std::string(reference) + "</CallerReference>");
    auto created = raw(client("cloudfront", "us-east-1"),
                       rest_xml_request("CreateDistribution", "POST", "/2020-05-31/distribution", {}, config_xml));
    auto doc = parse_xml_document(created.body, "CreateDistribution").value();
    return xml_text(doc->document_element(), "Id");
  }

  std::string target_origin(const std::string& id) {
    std::optional<std::expected<cloudfront::DistributionConfig, AwsError>> out;
    cloudfront::get_distribution_config(client("cloudfront", "us-east-1"), id, [&](auto r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    return out.value().value().summary.default_target_origin_id;
  }

  void create_table(const std::string& region, const std::string& name) {
    raw(client("dynamodb", region),
        json_request(dynamodb::kTargetPrefix, "CreateTable", JsonVersion::v1_0,
                     {{"TableName", name},
                      {"AttributeDefinitions", {{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                      {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                      {"BillingMode", "PAY_PER_REQUEST"}}));
  }

  void s3_put(const std::string& region, std::string operation, const std::string& bucket, std::string subresource,
              std::string body) {
    QueryParams query;
    if (!subresource.empty()) query.emplace_back(std::move(subresource), "");
    raw(client("s3", region), rest_xml_request(std::move(operation), "PUT", "/" + bucket, std::move(query), std::move(body)));
  }
  void create_bucket(const std::string& region, const std::string& bucket, bool versioned) {
    s3_put(region, "CreateBucket", bucket, "",
           region == "us-east-1" ? ""
                                 : "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                   "<LocationConstraint>" + region + "</LocationConstraint></CreateBucketConfiguration>");
    if (versioned)
      s3_put(region, "PutBucketVersioning", bucket, "versioning",
             R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>)");
  }
  void replicate(const std::string& bucket, const std::string& destination, const std::string& status) {
    s3_put("us-east-1", "PutBucketReplication", bucket, "replication",
           "<ReplicationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<Role>arn:aws:iam::123456789012:role/replication</Role><Rule><ID>to-west</ID><Priority>1</Priority>"
           "<Status>" + status + "</Status><Filter><Prefix></Prefix></Filter>"
           "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>"
           "<Destination><Bucket>arn:aws:s3:::" + destination + "</Bucket></Destination></Rule></ReplicationConfiguration>");
  }

  static test::MotoServer* moto_;
  test::AwsTestClients aws_{io_, [] { return moto_->endpoint(); }};
};

test::MotoServer* MotoStepsTest::moto_ = nullptr;

TEST_F(MotoStepsTest, CloudFrontSwitchesTheOriginVerifiesAndUndoes) {
  const auto id = create_distribution();
  ASSERT_EQ(target_origin(id), "east");
  auto step = cloudfront_origin_step(client("cloudfront", "us-east-1"), scheduler_, id, "west", {100ms, 10s});
  const auto acted = run(step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(target_origin(id), "west");
  const auto verified = run(step.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(*run(step.action), "already on origin west");  // idempotent, and the original is kept
  const auto undone = run(step.undo);
  ASSERT_TRUE(undone) << undone.error();
  EXPECT_EQ(*undone, "origin back to east");
  EXPECT_EQ(target_origin(id), "east");
  // Verification reads back: it fails once the origin is not the target.
  EXPECT_EQ(run(step.verify).error(), "reads back origin east");
}

// Issue 15, section 6: the switch is verified only once the distribution is Deployed again (the
// edge locations serve the new origin then). moto's state manager holds a new distribution
// InProgress for as many GetDistribution calls as it is told.
TEST_F(MotoStepsTest, CloudFrontVerificationWaitsUntilTheDistributionIsDeployed) {
  const auto transition = [](std::string_view progression) {
    // moto answers 201 Created.
    return moto_->request("POST", "/moto-api/state-manager/set-transition",
                          R"({"model_name": "cloudfront::distribution", "transition": )" + std::string(progression) + "}",
                          "application/json");
  };
  ASSERT_EQ(transition(R"({"progression": "manual", "times": 1000})").status, 201);
  const auto id = create_distribution();
  auto step = cloudfront_origin_step(client("cloudfront", "us-east-1"), scheduler_, id, "west", {100ms, 1s});
  ASSERT_TRUE(run(step.action));
  const auto stuck = run(step.verify);
  ASSERT_FALSE(stuck) << "verified while the distribution was InProgress";
  EXPECT_EQ(stuck.error(), id + " Deployed: timed out after 1s (last seen: status InProgress)");

  ASSERT_EQ(transition(R"({"progression": "manual", "times": 3})").status, 201);
  const auto second = create_distribution("regionguard-test-2");
  auto deployed = cloudfront_origin_step(client("cloudfront", "us-east-1"), scheduler_, second, "west", {100ms, 10s});
  ASSERT_TRUE(run(deployed.action));
  const auto verified = run(deployed.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(*verified, "status Deployed");
  moto_->request("POST", "/moto-api/state-manager/unset-transition", R"({"model_name": "cloudfront::distribution"})",
                 "application/json");
}

TEST_F(MotoStepsTest, CloudFrontRefusesAnOriginTheDistributionDoesNotHave) {
  const auto id = create_distribution();
  auto step = cloudfront_origin_step(client("cloudfront", "us-east-1"), scheduler_, id, "eu", {100ms, 10s});
  const auto acted = run(step.action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("no origin or origin group 'eu'"), std::string::npos) << acted.error();
  EXPECT_EQ(target_origin(id), "east");
}

TEST_F(MotoStepsTest, DynamoDbReadinessNeedsAGlobalTableReplicaInTheTarget) {
  auto missing = dynamodb_replica_check(client("dynamodb", "us-west-2"), "orders", "us-west-2");
  EXPECT_EQ(run(missing.check).error(), "no table orders in us-west-2");
  // A table of the same name that is not a replica (moto cannot make replicas: it ignores
  // UpdateTable ReplicaUpdates) is not ready either.
  create_table("us-west-2", "orders");
  EXPECT_EQ(run(missing.check).error(),
            "orders in us-west-2 is not a replica of a global table (DescribeTable lists no Replicas)");
}

TEST_F(MotoStepsTest, S3ReadinessNeedsAnEnabledRuleIntoAVersionedTargetBucket) {
  create_bucket("us-east-1", "assets-east", true);
  create_bucket("us-west-2", "assets-west", true);
  create_bucket("us-west-2", "assets-plain", false);
  auto check = s3_replication_check(client("s3", "us-east-1"), client("s3", "us-west-2"),
                                    {"assets-east", "us-east-1", "assets-west", "us-west-2"});
  EXPECT_EQ(run(check.check).error(), "assets-east (us-east-1) has no replication configuration");
  replicate("assets-east", "assets-west", "Enabled");
  const auto ready = run(check.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(*ready, "rule to-west to arn:aws:s3:::assets-west");
  replicate("assets-east", "assets-west", "Disabled");
  EXPECT_EQ(run(check.check).error(), "assets-east: the rule replicating to arn:aws:s3:::assets-west is Disabled");
  // A rule into a bucket without versioning (S3 and moto accept it) cannot replicate.
  replicate("assets-east", "assets-plain", "Enabled");
  auto plain = s3_replication_check(client("s3", "us-east-1"), client("s3", "us-west-2"),
                                    {"assets-east", "us-east-1", "assets-plain", "us-west-2"});
  EXPECT_EQ(run(plain.check).error(), "assets-plain (us-west-2) has versioning never enabled: it cannot receive replicas");
}

// --- a plan from configuration, through the executor ------------------------------------------------

class PlanWithDnsTest : public MotoStepsTest {
 protected:
  PlanWithDnsTest()
      : knot_({.zone = "example.test.",
               .records = {{"app", "A", "192.0.2.1", 60}},
               .update_key = test::TsigKey{"failover-key", "hmac-sha512", std::string(kSecret)}}) {}

  ApplicationConfig shop(const std::string& distribution) const {
    ApplicationConfig app;
    app.name = "shop";
    app.primary = "us-east-1";
    app.secondaries = {"us-west-2"};
    app.plan.cloudfront = CloudFrontTargetConfig{distribution, {{"us-east-1", "east"}, {"us-west-2", "west"}}};
    DnsUpdateTargetConfig update;
    update.server = {knot_.address(), knot_.port()};
    update.zone = "example.test";
    update.name = "app.example.test";
    update.ttl = 30;
    update.key = {"failover-key", "hmac-sha512", std::string(kSecret), ""};
    update.values = {{"us-east-1", "192.0.2.1"}, {"us-west-2", "198.51.100.7"}};
    app.plan.dns_update = update;
    VerifyDnsConfig verify;
    verify.name = "app.example.test";
    verify.resolvers = {{knot_.address(), knot_.port()}};
    verify.timeout = 10s;
    app.plan.verify_dns = verify;
    return app;
  }

  PlanReport run_plan(const ApplicationConfig& app) {
    const auto lookup = [this](std::string_view s, const std::string& r) -> std::expected<AwsClient*, std::string> {
      return &client(s, r);
    };
    PlanContext context{lookup, scheduler_, WaitOptions{100ms, 10s}, std::nullopt, true, std::nullopt, io_.get_executor()};
    auto plan = build_failover_plan(app, "us-east-1", "us-west-2", context).value();
    names_.clear();
    for (const auto& step : plan.steps) names_.push_back(step.name);
    std::optional<PlanReport> report;
    executor_.run(std::move(plan), journal_->next_generation("shop").value(), [&](PlanReport r) { report = std::move(r); });
    run_until([&] { return report.has_value(); });
    if (!report) throw std::runtime_error("the plan did not finish");
    return *report;
  }

  test::KnotServer knot_;
  test::TempDir dir_;
  std::unique_ptr<FailoverJournal> journal_ = test::open_owned_journal((dir_.path() / "rg.db").string());
  PlanExecutor executor_{io_.get_executor(), *journal_, [] { return now_us(); }, ExecutorSettings{this_process_holder().owner}};
  std::vector<std::string> names_;
};

TEST_F(PlanWithDnsTest, TrafficMovesThroughCloudFrontAndDnsAndTheAnswerIsVerifiedLast) {
  const auto id = create_distribution();
  const auto report = run_plan(shop(id));
  ASSERT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(names_, (std::vector<std::string>{"point CloudFront " + id + " at west",
                                              "point app.example.test. at 198.51.100.7",
                                              "verify app.example.test resolves to 198.51.100.7"}));
  EXPECT_EQ(target_origin(id), "west");
}

TEST_F(PlanWithDnsTest, AFailedFinalVerificationRollsBackCloudFrontAndDns) {
  const auto id = create_distribution();
  auto app = shop(id);
  app.plan.verify_dns->values = {{"us-east-1", "192.0.2.1"}, {"us-west-2", "203.0.113.99"}};  // never served
  app.plan.verify_dns->timeout = 1s;
  const auto report = run_plan(app);
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_NE(report.reason.find("verification of step 3"), std::string::npos) << report.reason;
  EXPECT_EQ(target_origin(id), "east");
  const auto answer = test::dns::exchange(test::dns::Transport::udp, knot_.address(), knot_.port(),
                                          test::dns::make_query(1, "app.example.test", dns::kTypeA, false), 2s);
  ASSERT_TRUE(answer);
  const auto message = test::dns::parse_message(*answer).value();
  ASSERT_EQ(message.answers.size(), 1u);
  EXPECT_EQ(test::dns::rdata_text(message.answers[0]), "192.0.2.1");
}

TEST_F(PlanWithDnsTest, AnUnreadableKeyFileStopsThePlanBeforeAnything) {
  const auto id = create_distribution();
  auto app = shop(id);
  app.plan.dns_update->key = {"failover-key", "hmac-sha512", "", (dir_.path() / "missing.b64").string()};
  const auto report = run_plan(app);
  EXPECT_EQ(report.outcome, PlanOutcome::not_ready);
  EXPECT_NE(report.reason.find("cannot read secret_file"), std::string::npos) << report.reason;
  EXPECT_EQ(target_origin(id), "east");
}

}  // namespace
}  // namespace rg::act
