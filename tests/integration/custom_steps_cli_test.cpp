// Custom steps through the regionguard binary, as an operator meets them: check-config accepts
// them, `failover plan` says what each would run, `failover execute` runs them, `failover status`
// shows what the command printed, and iam-policy is unaffected (they call no AWS API).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "integration/regionguard_command.h"
#include "support/temp_dir.h"

namespace rg::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CustomStepsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto script = (dir.path() / "warm-cache").string();
    std::ofstream(script) << "#!/bin/sh\necho \"warmed $RG_TO for generation $RG_GENERATION ($RG_PHASE)\"\n";
    ::chmod(script.c_str(), 0755);
    std::ofstream(config) << "regions: [us-east-1, us-west-2]\n"
                             "services: { dynamodb: {} }\n"
                             "endpoints:\n"
                             "  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }\n"
                             "  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }\n"
                             "store: { path: cli.db }\n"
                             "applications:\n"
                             "  shop:\n"
                             "    primary: us-east-1\n"
                             "    secondaries: [us-west-2]\n"
                             "    checks:\n"
                             "      us-east-1: [dynamodb.us-east-1.amazonaws.com]\n"
                             "      us-west-2: [dynamodb.us-west-2.amazonaws.com]\n"
                             "    plan:\n"
                             "      custom_steps:\n"
                             "        - name: warm-cache\n"
                             "          exec: ["
                          << script << ", --fast]\n"
                                       "          timeout: 30s\n"
                                       "          undo: {exec: ["
                          << script << "]}\n";
  }

  TempDir dir;
  std::string config = (dir.path() / "rg.yaml").string();
};

TEST_F(CustomStepsCliTest, PlanExecuteAndStatusShowWhatTheStepRunsAndPrinted) {
  const auto checked = regionguard({"check-config", config}, dir);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  const auto planned = regionguard({"failover", "-c", config, "plan", "shop"}, dir);
  EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
  EXPECT_THAT(planned.out, HasSubstr("would warm-cache: run " + (dir.path() / "warm-cache").string() +
                                     " --fast (timeout 30s); undo: run " + (dir.path() / "warm-cache").string() +
                                     " (timeout 5m)"));
  EXPECT_THAT(planned.out, Not(HasSubstr("warmed")));  // a dry run runs nothing

  const auto executed = regionguard({"failover", "-c", config, "execute", "shop", "--to", "us-west-2"}, dir);
  EXPECT_EQ(executed.exit_code, 0) << executed.out << executed.err;
  EXPECT_THAT(executed.out, HasSubstr("done: warm-cache (warmed us-west-2 for generation 1 (action))"));

  const auto status = regionguard({"failover", "-c", config, "status", "shop"}, dir);
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_THAT(status.out, HasSubstr("#1 failover us-east-1 -> us-west-2  completed"));
  EXPECT_THAT(status.out, HasSubstr("    warm-cache: done  warmed us-west-2 for generation 1 (action)\n"));

  const auto policy = regionguard({"iam-policy", "-c", config}, dir);
  EXPECT_EQ(policy.exit_code, 0) << policy.out << policy.err;
}

}  // namespace
}  // namespace rg::test
