// What a reload changes: a running configuration against the file read again. Each test starts
// from one file, edits it as an operator would, and names what the daemon must do.
#include "config/config_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace rg {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

Config load(const std::string& yaml) {
  auto loaded = load_config_string(yaml, "regionguard.yaml");
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : to_string(loaded.error()));
  return loaded ? *loaded : Config{};
}

const std::string head = R"(regions: [us-east-1, eu-west-1]
defaults: { interval: 10s, timeout: 2s, jitter: 1s }
services:
  dynamodb:
  s3:
)";

const std::string three_endpoints = R"(endpoints:
  - { hostname: dynamodb.us-east-1.example.test, service: dynamodb, region: us-east-1 }
  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1 }
  - { hostname: dynamodb.eu-west-1.example.test, service: dynamodb, region: eu-west-1 }
)";

TEST(ConfigDiff, TheSameFileChangesNothing) {
  const auto diff = diff_configs(load(head + three_endpoints), load(head + three_endpoints));
  EXPECT_TRUE(diff.nothing_changed());
  EXPECT_THAT(diff.unchanged, ElementsAre("dynamodb.us-east-1.example.test", "s3.us-east-1.example.test",
                                          "dynamodb.eu-west-1.example.test"));
}

TEST(ConfigDiff, AnEndpointAddedOneRemovedAndOneChangedLeaveTheRestUnchanged) {
  const auto next = load(head + R"(endpoints:
  - { hostname: s3.eu-west-1.example.test, service: s3, region: eu-west-1 }
  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1, interval: 5s }
  - { hostname: dynamodb.eu-west-1.example.test, service: dynamodb, region: eu-west-1 }
)");
  const auto diff = diff_configs(load(head + three_endpoints), next);
  EXPECT_THAT(diff.added, ElementsAre("s3.eu-west-1.example.test"));
  EXPECT_THAT(diff.removed, ElementsAre("dynamodb.us-east-1.example.test"));
  EXPECT_THAT(diff.changed, ElementsAre("s3.us-east-1.example.test"));
  // It moved up a line when its neighbour went: where it is written is not a setting.
  EXPECT_THAT(diff.unchanged, ElementsAre("dynamodb.eu-west-1.example.test"));
  EXPECT_THAT(diff.applied, IsEmpty());
  EXPECT_THAT(diff.needs_restart, IsEmpty());
}

TEST(ConfigDiff, ADefaultChangesEveryEndpointThatInheritsIt) {
  const std::string slower = R"(regions: [us-east-1, eu-west-1]
defaults: { interval: 10s, timeout: 3s, jitter: 1s }
services:
  dynamodb:
  s3:
)";
  const auto diff = diff_configs(load(head + three_endpoints), load(slower + three_endpoints));
  EXPECT_EQ(diff.changed.size(), 3u);
  EXPECT_THAT(diff.unchanged, IsEmpty());
}

TEST(ConfigDiff, ThresholdsRulesAndNotifiersApplyWithoutTouchingEndpoints) {
  const std::string tighter = R"(regions: [us-east-1, eu-west-1]
defaults: { interval: 10s, timeout: 2s, jitter: 1s, thresholds: { healthy: 50ms, warning: 150ms } }
services:
  dynamodb:
  s3:
)";
  const auto next = load(tighter + three_endpoints + R"(alerts:
  rules:
    - { name: down, type: consecutive_failures, count: 2, severity: critical }
notifiers:
  - { name: hook, type: webhook, url: "http://127.0.0.1:9/hook" }
)");
  const auto diff = diff_configs(load(head + three_endpoints), next);
  EXPECT_THAT(diff.applied, ElementsAre("thresholds", "alerts", "notifiers"));
  EXPECT_EQ(diff.unchanged.size(), 3u);
  EXPECT_FALSE(diff.endpoints_changed());
}

TEST(ConfigDiff, TheListenAddressAndTheStoreNeedARestartAndAreKept) {
  const auto running = load(head + three_endpoints + "store: { path: a.db }\nserver: { listen: 127.0.0.1:8080 }\n");
  auto next = load(head + three_endpoints + "store: { path: b.db }\nserver: { listen: 127.0.0.1:9090 }\n");
  const auto diff = diff_configs(running, next);
  EXPECT_THAT(diff.needs_restart, ElementsAre("server", "store"));
  EXPECT_THAT(diff.applied, IsEmpty());

  keep_restart_sections(running, next);
  EXPECT_EQ(next.server.listen.port, 8080);
  EXPECT_EQ(next.store.path, running.store.path);
  EXPECT_TRUE(diff_configs(running, next).nothing_changed());
}

TEST(ConfigDiff, AMovedSectionIsNotAChange) {
  // The same server section three lines further down: its mark moves, its settings do not.
  const auto running = load(head + three_endpoints + "server: { listen: 127.0.0.1:8080 }\n");
  const auto next = load(head + "\n\n\n" + three_endpoints + "server: { listen: 127.0.0.1:8080 }\n");
  EXPECT_TRUE(diff_configs(running, next).nothing_changed());
}

}  // namespace
}  // namespace rg
