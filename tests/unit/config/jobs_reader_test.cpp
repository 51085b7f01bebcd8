// The `jobs:` section: every key read, the three spellings of retention, defaults when left out,
// and each bad value (region, schedule, application, retention) reported with file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using test::errors_of;

const std::string base = R"(regions: [eu-west-1, us-east-1, us-west-2]
services:
  dynamodb:
endpoints:
  - { hostname: dynamodb.eu-west-1.amazonaws.com, service: dynamodb, region: eu-west-1 }
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
applications:
  blog:
    primary: eu-west-1
    secondaries: [us-east-1]
    checks:
      eu-west-1: [dynamodb.eu-west-1.amazonaws.com]
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
)";

Config load(const std::string& jobs) {
  auto config = load_config_string(base + jobs, "a.yaml");
  if (!config) throw std::runtime_error(to_string(config.error()));
  return std::move(*config);
}

TEST(JobsSection, ReadsEveryKey) {
  const auto config = load(R"(jobs:
  ami_sync:
    source_region: eu-west-1
    instance_tag: { key: Role, value: primary }
    target_regions: [us-east-1, us-west-2]
    name_prefix: blog-app
    retention: { keep: 3, max_age: 14d }
    ssm_parameter: /app/latest-ami-id
    schedule: "0 3 * * *"
    no_reboot: false
    timeout: 90m
  drills:
    - { app: blog, schedule: "0 10 * * wed", real: true }
    - { app: blog, schedule: "@daily" }
)");
  ASSERT_TRUE(config.jobs.ami_sync);
  const auto& ami = *config.jobs.ami_sync;
  EXPECT_EQ(ami.source_region, "eu-west-1");
  EXPECT_EQ(ami.instance_id, "");
  EXPECT_EQ(ami.tag_key, "Role");
  EXPECT_EQ(ami.tag_value, "primary");
  EXPECT_THAT(ami.target_regions, ElementsAre("us-east-1", "us-west-2"));
  EXPECT_EQ(ami.name_prefix, "blog-app");
  EXPECT_EQ(ami.retention.keep, 3);
  EXPECT_EQ(ami.retention.max_age, std::optional<Millis>(14 * 24h));
  EXPECT_EQ(ami.ssm_parameter, "/app/latest-ami-id");
  ASSERT_TRUE(ami.schedule);
  EXPECT_EQ(ami.schedule->text(), "0 3 * * *");
  EXPECT_FALSE(ami.no_reboot);
  EXPECT_EQ(ami.timeout, 90min);
  ASSERT_EQ(config.jobs.drills.size(), 2u);
  EXPECT_EQ(config.jobs.drills[0].app, "blog");
  EXPECT_TRUE(config.jobs.drills[0].real);
  ASSERT_TRUE(config.jobs.drills[0].schedule);
  EXPECT_EQ(config.jobs.drills[0].schedule->text(), "0 10 * * wed");
  EXPECT_FALSE(config.jobs.drills[1].real);
}

TEST(JobsSection, DefaultsWhenLeftOut) {
  const auto config = load(R"(jobs:
  ami_sync:
    source_region: eu-west-1
    instance_id: i-0123456789abcdef0
    target_regions: [us-east-1]
)");
  const auto& ami = *config.jobs.ami_sync;
  EXPECT_EQ(ami.instance_id, "i-0123456789abcdef0");
  EXPECT_EQ(ami.name_prefix, "regionguard");
  EXPECT_EQ(ami.retention.keep, 7);
  EXPECT_FALSE(ami.retention.max_age);
  EXPECT_EQ(ami.ssm_parameter, "/app/latest-ami-id");
  EXPECT_FALSE(ami.schedule);
  EXPECT_TRUE(ami.no_reboot);
  EXPECT_EQ(ami.timeout, 2h);
  EXPECT_TRUE(config.jobs.drills.empty());
}

TEST(JobsSection, NoJobsSectionMeansNoJobs) {
  const auto config = load("");
  EXPECT_FALSE(config.jobs.ami_sync);
  EXPECT_TRUE(config.jobs.drills.empty());
}

TEST(JobsSection, RetentionAsACountOrAnAge) {
  const auto job = [](const std::string& retention) {
    return load("jobs:\n  ami_sync:\n    source_region: eu-west-1\n    instance_id: i-1\n"
                "    target_regions: [us-east-1]\n    retention: " + retention + "\n")
        .jobs.ami_sync->retention;
  };
  EXPECT_EQ(job("3").keep, 3);
  EXPECT_FALSE(job("3").max_age);
  EXPECT_EQ(job("14d").max_age, std::optional<Millis>(14 * 24h));
  EXPECT_EQ(job("14d").keep, 7);  // the default count still applies
  EXPECT_EQ(job("{keep: 2}").keep, 2);
}

TEST(JobsSection, AmiSyncErrors) {
  const std::string head = base + "jobs:\n  ami_sync:\n";
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-9\n    instance_id: i-1\n    target_regions: [us-east-1]\n"),
              ElementsAre("a.yaml:16:20: jobs.ami_sync.source_region: `eu-west-9` is not one of regions; did you "
                          "mean `eu-west-1`?"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    target_regions: [us-east-1]\n"),
              ElementsAre("a.yaml:16:5: jobs.ami_sync: needs instance_id or instance_tag (the primary instance to "
                          "image)"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n"
                               "    instance_tag: {key: Role, value: primary}\n    target_regions: [us-east-1]\n"),
              ElementsAre("a.yaml:18:19: jobs.ami_sync.instance_tag: give instance_id or instance_tag, not both"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: web-1\n    target_regions: [us-east-1]\n"),
              ElementsAre("a.yaml:17:18: jobs.ami_sync.instance_id: `web-1` is not an instance id (i-...)"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_tag: {key: Role}\n"
                               "    target_regions: [us-east-1]\n"),
              ElementsAre("a.yaml:17:19: jobs.ami_sync.instance_tag.value: is required"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [eu-west-1]\n"),
              ElementsAre("a.yaml:18:22: jobs.ami_sync.target_regions[0]: `eu-west-1` is the source region: the "
                          "copy must go elsewhere"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: []\n"),
              ElementsAre("a.yaml:18:21: jobs.ami_sync.target_regions: must list at least one region to copy the "
                          "image to"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [us-east-1]\n"
                               "    schedule: \"0 25 * * *\"\n"),
              ElementsAre("a.yaml:19:15: jobs.ami_sync.schedule: not a cron schedule: hour `25`: `25` is out of "
                          "range 0-23"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [us-east-1]\n"
                               "    retention: 0\n"),
              ElementsAre("a.yaml:19:16: jobs.ami_sync.retention: must keep between 1 and 1000 images"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [us-east-1]\n"
                               "    retention: 10m\n"),
              ElementsAre("a.yaml:19:16: jobs.ami_sync.retention: must be at least 1h (a shorter age would delete "
                          "the images of the last runs)"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [us-east-1]\n"
                               "    ssm_parameter: app/latest\n    name_prefix: \"my app\"\n"),
              ElementsAre("a.yaml:19:20: jobs.ami_sync.ssm_parameter: `app/latest` is not a parameter path (it "
                          "starts with /)",
                          "a.yaml:20:18: jobs.ami_sync.name_prefix: `my app` cannot start an AMI name (letters, "
                          "digits and ()[]./-'@_, at most 100)"));
  EXPECT_THAT(errors_of(head + "    source_region: eu-west-1\n    instance_id: i-1\n    target_regions: [us-east-1]\n"
                               "    retain: 3\n"),
              ElementsAre(::testing::HasSubstr("a.yaml:19:5: jobs.ami_sync.retain: unknown key")));
}

TEST(JobsSection, DrillErrors) {
  EXPECT_THAT(errors_of(base + "jobs:\n  drills:\n    - { app: blgo, schedule: \"@daily\" }\n"),
              ElementsAre("a.yaml:16:14: jobs.drills[0].app: `blgo` is not an application of applications; did you "
                          "mean `blog`?"));
  EXPECT_THAT(errors_of(base + "jobs:\n  drills:\n    - { app: blog }\n"),
              ElementsAre("a.yaml:16:7: jobs.drills[0].schedule: is required"));
  EXPECT_THAT(errors_of(base + "jobs:\n  drills:\n    - { app: blog, schedule: \"0 0 * * funday\" }\n"),
              ElementsAre("a.yaml:16:30: jobs.drills[0].schedule: not a cron schedule: day-of-week `funday`: "
                          "`funday` is not a number or a day name (sun-sat)"));
  EXPECT_THAT(errors_of(base + "jobs:\n  drills:\n    - { app: blog, schedule: \"@daily\", real: maybe }\n"),
              ElementsAre("a.yaml:16:46: jobs.drills[0].real: must be true or false"));
}

}  // namespace
}  // namespace rg
