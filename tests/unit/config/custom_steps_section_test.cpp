// `applications.NAME.plan.custom_steps`: exec and webhook steps with their undo, read in order;
// each mistake reported at its place with its path.
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

const std::string head = R"(regions: [us-east-1, us-west-2]
services:
  dynamodb:
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
    plan:
      custom_steps:
)";

TEST(CustomStepsSection, ReadsExecAndWebhookStepsInOrderWithTheirUndo) {
  const auto config = load_config_string(head + R"(        - name: warm-cache
          exec: [/usr/local/bin/warm-cache, --region, 2]
          timeout: 60s
          undo: {exec: [cool-cache], timeout: 30s}
        - name: tell-cdn
          webhook:
            url: https://hooks.example.com/failover
            headers: {Authorization: "Bearer abc", X-Team: sre}
          undo: {webhook: {url: "http://127.0.0.1:8080/back"}}
        - name: migrate.schema_v2
          exec: [migrate]
          irreversible: true
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& steps = config->applications.at(0).plan.custom_steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].name, "warm-cache");
  EXPECT_EQ(steps[0].action.kind, CustomCallConfig::Kind::exec);
  EXPECT_THAT(steps[0].action.argv, ElementsAre("/usr/local/bin/warm-cache", "--region", "2"));
  EXPECT_EQ(steps[0].action.timeout, 60s);
  ASSERT_TRUE(steps[0].undo);
  EXPECT_THAT(steps[0].undo->argv, ElementsAre("cool-cache"));
  EXPECT_EQ(steps[0].undo->timeout, 30s);
  EXPECT_FALSE(steps[0].irreversible);
  EXPECT_EQ(steps[1].action.kind, CustomCallConfig::Kind::webhook);
  EXPECT_EQ(steps[1].action.url, "https://hooks.example.com/failover");
  EXPECT_EQ(steps[1].action.headers,
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer abc"}, {"X-Team", "sre"}}));
  EXPECT_EQ(steps[1].action.timeout, kDefaultWebhookTimeout);
  EXPECT_EQ(steps[1].undo->url, "http://127.0.0.1:8080/back");
  EXPECT_EQ(steps[2].action.timeout, kDefaultExecTimeout);
  EXPECT_TRUE(steps[2].irreversible);
  EXPECT_FALSE(steps[2].undo);
}

TEST(CustomStepsSection, StepMistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(errors_of(head + R"(        - exec: [/bin/true]
        - name: warm-cache
          exec: [/bin/true]
        - name: warm-cache
          exec: [/bin/true]
        - name: "two words"
          exec: [/bin/true]
        - name: both
          exec: [/bin/true]
          webhook: {url: "https://a.example"}
        - name: neither
          timeout: 5s
        - name: once
          exec: [/bin/true]
          irreversible: true
          undo: {exec: [/bin/false]}
        - name: nested
          exec: [/bin/true]
          undo: {exec: [/bin/false], undo: {exec: [/bin/true]}}
)"),
              ElementsAre("a.yaml:16:11: applications.shop.plan.custom_steps[0].name: is required",
                          "a.yaml:19:17: applications.shop.plan.custom_steps[2].name: `warm-cache` is the name of applications.shop.plan.custom_steps[1] too; step names are unique within the plan",
                          "a.yaml:21:17: applications.shop.plan.custom_steps[3].name: `two words` must be letters, digits, '-', '_' or '.' (it is part of the idempotency key app:generation:step)",
                          "a.yaml:25:20: applications.shop.plan.custom_steps[4].webhook: give either exec or webhook, not both",
                          "a.yaml:26:11: applications.shop.plan.custom_steps[5]: needs exec (a command: [path, args...]) or webhook ({url: ...})",
                          "a.yaml:31:17: applications.shop.plan.custom_steps[6].undo: an irreversible step is never undone: remove undo, or irreversible: true",
                          "a.yaml:34:38: applications.shop.plan.custom_steps[7].undo.undo: unknown key (expected one of: exec, webhook, timeout)"));
}

TEST(CustomStepsSection, CallMistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(errors_of(head + R"(        - name: a
          exec: []
        - name: b
          exec: [./warm-cache]
        - name: c
          exec: [/bin/true, ""]
          timeout: 2h
        - name: d
          exec: [/bin/true]
          timeout: 0s
        - name: e
          webhook: {url: "ftp://files.example/x"}
        - name: f
          webhook: {url: "http://hooks.example.com/x"}
        - name: g
          webhook:
            url: https://hooks.example.com/x
            headers: {Idempotency-Key: mine, "Bad Name": x, X-Ok: "a\nb"}
        - name: h
          webhook: {headers: {}}
)"),
              ElementsAre("a.yaml:17:17: applications.shop.plan.custom_steps[0].exec: must list the command and its arguments: [/path/to/command, arg, ...]",
                          "a.yaml:19:18: applications.shop.plan.custom_steps[1].exec[0]: `./warm-cache` is a relative path (relative to the daemon's working directory): give an absolute path, or a bare name found in PATH",
                          "a.yaml:21:29: applications.shop.plan.custom_steps[2].exec[1]: must not be empty",
                          "a.yaml:22:20: applications.shop.plan.custom_steps[2].timeout: must be at most 1h (the plan, and every move of the application, waits for the step)",
                          "a.yaml:25:20: applications.shop.plan.custom_steps[3].timeout: must be greater than 0",
                          "a.yaml:27:26: applications.shop.plan.custom_steps[4].webhook.url: `ftp://files.example/x` is not an http(s) URL (https://host[:port]/path)",
                          "a.yaml:29:26: applications.shop.plan.custom_steps[5].webhook.url: `http://hooks.example.com/x`: plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost); use https",
                          "a.yaml:33:23: applications.shop.plan.custom_steps[6].webhook.headers.Idempotency-Key: Idempotency-Key is set by regionguard (the JSON body and its idempotency key)",
                          "a.yaml:33:46: applications.shop.plan.custom_steps[6].webhook.headers.Bad Name: `Bad Name` is not an HTTP header name",
                          "a.yaml:33:67: applications.shop.plan.custom_steps[6].webhook.headers.X-Ok: must be one line",
                          "a.yaml:35:20: applications.shop.plan.custom_steps[7].webhook.url: is required"));
}

}  // namespace
}  // namespace rg
