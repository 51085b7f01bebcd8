// `regionguard ami-sync` (the binary) against moto_server: an instance tagged Role=primary in
// eu-west-1 is imaged, the image copied to us-east-1, both tagged, and /app/latest-ami-id in
// us-east-1 set to the copy; a second run makes nothing new; images regionguard made beyond the
// retention are deregistered in both regions and their snapshots deleted, while images it did
// not make are left alone; --dry-run changes nothing.
//
// moto makes images available at once, so the waits finish on their first look (the waiting
// itself is tests/unit/act/wait_until_test.cpp). Its CreationDate is "now" for every image, which
// is why retention is tested by count here (ordering is by the slot in the name).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <set>

#include "aws/ec2_api.h"
#include "aws/protocol_query.h"
#include "aws/ssm_api.h"
#include "act/dr/ami_sync.h"
#include "config/config_loader.h"
#include "net/curl_multi.h"
#include "support/child_process.h"
#include "aws_test_clients.h"
#include "moto_suite.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
namespace ec2 = aws::ec2;

constexpr std::string_view kSource = "eu-west-1";
constexpr std::string_view kTarget = "us-east-1";

class AmiSyncTest : public test::MotoSuite {
 protected:
  static void SetUpTestSuite() {
    use_dummy_credentials();
    // moto's ~1,200 default AMIs per region are not ours and only slow describe calls down.
    test::MotoOptions options;
    options.env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false";
    start_moto(options);
  }

  void SetUp() override {
    MotoSuite::SetUp();
    instance_id_ = run_instance();
    write_config(2);
  }

  aws::AwsClient& client(std::string_view service, std::string_view region) { return aws_.client(service, region); }
  template <typename Result, typename Start>
  std::expected<Result, aws::AwsError> call(Start start) { return aws_.call<Result>(std::move(start)); }
  template <typename Result, typename Start>
  Result ok(Start start) { return aws_.ok<Result>(std::move(start)); }

  // Launches an instance tagged Role=primary in the source region.
  void launch_primary() {
    ok<aws::HttpResponse>([&](auto done) {
      client("ec2", kSource)
          .call(aws::query_request("RunInstances", ec2::kVersion,
                                   {{"ImageId", "ami-12345678"},
                                    {"InstanceType", "t3.micro"},
                                    {"MinCount", "1"},
                                    {"MaxCount", "1"},
                                    {"TagSpecification.1.ResourceType", "instance"},
                                    {"TagSpecification.1.Tag.1.Key", "Role"},
                                    {"TagSpecification.1.Tag.1.Value", "primary"}}),
                done);
    });
  }

  std::string run_instance() {
    launch_primary();
    ec2::DescribeInstancesRequest request;
    request.filters = {{"tag:Role", {"primary"}}};
    const auto found = ok<ec2::DescribeInstancesResult>(
        [&](auto done) { ec2::describe_instances(client("ec2", kSource), request, done); });
    if (found.instances.size() != 1) throw std::runtime_error("the tagged instance is not there");
    return found.instances.front().instance_id;
  }

  void write_config(int keep) {
    std::ofstream(config_file_) << "regions: [eu-west-1, us-east-1]\n"
                                   "services: { dynamodb: {} }\n"
                                   "endpoints:\n"
                                   "  - { hostname: dynamodb.eu-west-1.amazonaws.com, service: dynamodb, region: eu-west-1 }\n"
                                   "store: { path: rg.db }\n"
                                   "aws: { endpoint_url: \"" << moto_->endpoint() << "\", timeout: 50s }\n"
                                   "jobs:\n"
                                   "  ami_sync:\n"
                                   "    source_region: eu-west-1\n"
                                   "    instance_tag: { key: Role, value: primary }\n"
                                   "    target_regions: [us-east-1]\n"
                                   "    name_prefix: blog\n"
                                   "    retention: " << keep << "\n"
                                   "    ssm_parameter: /app/latest-ami-id\n"
                                   "    schedule: \"0 3 * * *\"\n";
  }

  int run(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{RG_BINARY, "ami-sync", "-c", config_file_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_command(args, output_file_);
  }

  std::string printed() const {
    std::ifstream in(output_file_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The name this run's image gets (the slot of "0 3 * * *" now).
  std::string expected_name() const {
    AmiSyncJobConfig job;
    job.name_prefix = "blog";
    job.schedule = CronSchedule::parse("0 3 * * *").value();
    return act::ami_image_name(job, now_us());
  }

  std::vector<ec2::Image> images(std::string_view region) {
    ec2::DescribeImagesRequest request;
    request.owners = {"self"};
    auto found = ok<ec2::DescribeImagesResult>(
        [&](auto done) { ec2::describe_images(client("ec2", region), request, done); });
    std::ranges::sort(found.images, {}, &ec2::Image::name);
    return found.images;
  }

  std::vector<std::string> names(std::string_view region) {
    std::vector<std::string> out;
    for (const auto& image : images(region)) out.push_back(image.name);
    return out;
  }

  std::string parameter(std::string_view region) {
    return ok<aws::ssm::Parameter>([&](auto done) {
             aws::ssm::get_parameter(client("ssm", region), {"/app/latest-ami-id", false}, done);
           }).value;
  }

  // An image as an earlier run of regionguard (tagged) or someone else (untagged) left it.
  std::string make_image(const std::string& name, bool ours) {
    ec2::CreateImageRequest request;
    request.instance_id = instance_id_;
    request.name = name;
    if (ours) request.tags = {{"regionguard:created-by", "regionguard"}};
    return ok<std::string>([&](auto done) { ec2::create_image(client("ec2", kSource), request, done); });
  }

  std::string copy_image(const std::string& source_id, const std::string& name, bool ours) {
    const auto id = ok<std::string>([&](auto done) {
      ec2::copy_image(client("ec2", kTarget), {std::string(kSource), source_id, name, std::nullopt, std::nullopt}, done);
    });
    if (ours)
      ok<void>([&](auto done) {
        ec2::create_tags(client("ec2", kTarget),
                         {{id}, {{"regionguard:created-by", "regionguard"}, {"regionguard:source-image", source_id}}},
                         done);
      });
    return id;
  }

  std::vector<std::string> snapshots_of(std::string_view region, const std::string& image_id) {
    ec2::DescribeImagesRequest request;
    request.image_ids = {image_id};
    const auto found =
        ok<ec2::DescribeImagesResult>([&](auto done) { ec2::describe_images(client("ec2", region), request, done); });
    std::vector<std::string> out;
    for (const auto& d : found.images.at(0).block_devices)
      if (d.snapshot_id) out.push_back(*d.snapshot_id);
    return out;
  }

  bool snapshot_exists(std::string_view region, const std::string& snapshot_id) {
    ec2::DescribeSnapshotsRequest request;
    request.snapshot_ids = {snapshot_id};
    const auto found = call<ec2::DescribeSnapshotsResult>(
        [&](auto done) { ec2::describe_snapshots(client("ec2", region), request, done); });
    if (!found && found.error().code == "InvalidSnapshot.NotFound") return false;
    if (!found) throw std::runtime_error(found.error().to_string());
    return !found->snapshots.empty();
  }

  boost::asio::io_context io_;
  test::AwsTestClients aws_{io_, [] { return moto_->endpoint(); }};
  test::TempDir dir_;
  std::filesystem::path config_file_ = dir_.path() / "rg.yaml";
  std::filesystem::path output_file_ = dir_.path() / "out.txt";
  std::string instance_id_;
};


TEST_F(AmiSyncTest, ImagesCopiesTagsAndPointsTheParameterAtTheCopy) {
  ASSERT_EQ(run(), 0) << printed();
  const std::string name = expected_name();

  const auto source = images(kSource);
  ASSERT_EQ(source.size(), 1u) << printed();
  EXPECT_EQ(source[0].name, name);
  EXPECT_EQ(source[0].tags.at("regionguard:created-by"), "regionguard");
  EXPECT_EQ(source[0].tags.at("regionguard:source-instance"), instance_id_);
  EXPECT_EQ(source[0].tags.at("Name"), name);

  const auto copies = images(kTarget);
  ASSERT_EQ(copies.size(), 1u) << printed();
  EXPECT_EQ(copies[0].name, name);
  EXPECT_NE(copies[0].image_id, source[0].image_id);
  EXPECT_EQ(copies[0].tags.at("regionguard:source-image"), source[0].image_id);
  EXPECT_EQ(copies[0].tags.at("regionguard:source-region"), "eu-west-1");
  EXPECT_EQ(copies[0].tags.at("regionguard:created-by"), "regionguard");
  EXPECT_EQ(copies[0].tags.at("Name"), name);

  EXPECT_EQ(parameter(kTarget), copies[0].image_id);
  EXPECT_THAT(printed(), ::testing::HasSubstr("created image " + source[0].image_id));
  EXPECT_THAT(printed(), ::testing::HasSubstr("set /app/latest-ami-id in us-east-1 to " + copies[0].image_id));
}

TEST_F(AmiSyncTest, ASecondRunReusesEverything) {
  ASSERT_EQ(run(), 0) << printed();
  const auto first_source = images(kSource);
  const auto first_copies = images(kTarget);
  ASSERT_EQ(first_copies.size(), 1u);

  ASSERT_EQ(run(), 0) << printed();
  EXPECT_EQ(images(kSource).size(), 1u);
  EXPECT_EQ(images(kTarget).size(), 1u);
  EXPECT_EQ(images(kSource)[0].image_id, first_source[0].image_id);
  EXPECT_EQ(images(kTarget)[0].image_id, first_copies[0].image_id);
  EXPECT_THAT(printed(), ::testing::HasSubstr("exists already (available): reused"));
  EXPECT_THAT(printed(), ::testing::HasSubstr("found by its source-image tag"));
  EXPECT_THAT(printed(), ::testing::HasSubstr("is " + first_copies[0].image_id + " already"));
  EXPECT_EQ(parameter(kTarget), first_copies[0].image_id);
}

TEST_F(AmiSyncTest, AnUntaggedCopyLeftByAnInterruptedRunIsFoundByNameAndTagged) {
  const auto source = make_image(expected_name(), true);
  const auto copy = copy_image(source, expected_name(), false);  // died before CreateTags
  ASSERT_EQ(run(), 0) << printed();
  const auto copies = images(kTarget);
  ASSERT_EQ(copies.size(), 1u) << printed();
  EXPECT_EQ(copies[0].image_id, copy);
  EXPECT_EQ(copies[0].tags.at("regionguard:source-image"), source);
  EXPECT_EQ(parameter(kTarget), copy);
}

TEST_F(AmiSyncTest, ImagesBeyondTheRetentionGoWithTheirSnapshots) {
  // Three earlier runs of regionguard in both regions, and two images it did not make.
  std::map<std::string, std::string> old_source, old_copies;
  for (const std::string day : {"20200101", "20200102", "20200103"}) {
    const std::string name = "blog-" + day + "-0300";
    old_source[name] = make_image(name, true);
    old_copies[name] = copy_image(old_source[name], name, true);
  }
  const auto foreign = make_image("blog-19990101-0300", false);  // untagged: not ours
  const auto other_prefix = make_image("shop-20200101-0300", true);
  const auto gone_snapshots = snapshots_of(kSource, old_source["blog-20200101-0300"]);
  const auto gone_copy_snapshots = snapshots_of(kTarget, old_copies["blog-20200102-0300"]);
  ASSERT_FALSE(gone_snapshots.empty());
  ASSERT_FALSE(gone_copy_snapshots.empty());
  const auto kept_snapshots = snapshots_of(kSource, old_source["blog-20200103-0300"]);

  ASSERT_EQ(run(), 0) << printed();  // retention: 2 = this run's image and the newest before it

  const std::string now = expected_name();
  EXPECT_THAT(names(kSource),
              ::testing::ElementsAre("blog-19990101-0300", "blog-20200103-0300", now, "shop-20200101-0300"));
  EXPECT_THAT(names(kTarget), ::testing::ElementsAre("blog-20200103-0300", now));
  for (const auto& snapshot : gone_snapshots) EXPECT_FALSE(snapshot_exists(kSource, snapshot)) << snapshot;
  for (const auto& snapshot : gone_copy_snapshots) EXPECT_FALSE(snapshot_exists(kTarget, snapshot)) << snapshot;
  for (const auto& snapshot : kept_snapshots) EXPECT_TRUE(snapshot_exists(kSource, snapshot)) << snapshot;
  EXPECT_THAT(printed(), ::testing::HasSubstr("deregistered " + old_source["blog-20200101-0300"]));
  EXPECT_THAT(printed(), ::testing::HasSubstr("(4 images retired)"));
  (void)foreign;
  (void)other_prefix;

  // Nothing left to retire: a second run deletes nothing more.
  ASSERT_EQ(run(), 0) << printed();
  EXPECT_THAT(printed(), ::testing::HasSubstr("(0 images retired)"));
  EXPECT_EQ(names(kSource).size(), 4u);
}

TEST_F(AmiSyncTest, DryRunChangesNothing) {
  make_image("blog-20200101-0300", true);
  make_image("blog-20200102-0300", true);
  make_image("blog-20200103-0300", true);
  const auto before = names(kSource);
  ASSERT_EQ(run({"--dry-run"}), 0) << printed();
  EXPECT_EQ(names(kSource), before);
  EXPECT_TRUE(images(kTarget).empty());
  EXPECT_THAT(printed(), ::testing::HasSubstr("would create image " + expected_name()));
  EXPECT_THAT(printed(), ::testing::HasSubstr("would copy it to us-east-1"));
  // Keep 2, and this run's image would be one of them: the oldest two would go.
  EXPECT_THAT(printed(), ::testing::HasSubstr("would deregister"));
  EXPECT_THAT(printed(), ::testing::HasSubstr("(blog-20200101-0300)"));
  EXPECT_THAT(printed(), ::testing::Not(::testing::HasSubstr("(blog-20200103-0300)")));
}

TEST_F(AmiSyncTest, TwoTaggedInstancesAreRefused) {
  launch_primary();  // a second Role=primary instance: which one is the primary is a guess
  ASSERT_EQ(run(), 1) << printed();
  EXPECT_THAT(printed(), ::testing::HasSubstr("2 instances are tagged Role=primary"));
  EXPECT_TRUE(images(kSource).empty());
}

}  // namespace
}  // namespace rg
