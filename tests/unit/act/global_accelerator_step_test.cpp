// The Global Accelerator traffic step (issue 20): dials or endpoint weights moved, read back,
// undone to what they were, and a resumed step that finds its own change. moto has no Global
// Accelerator, so the answers are scripted in the shapes of the Global Accelerator API reference
// (DescribeEndpointGroup / UpdateEndpointGroup: {"EndpointGroup": {EndpointGroupArn,
// EndpointGroupRegion, TrafficDialPercentage, EndpointDescriptions: [{EndpointId, Weight,
// HealthState, ClientIPPreservationEnabled}]}}; errors {"__type": "EndpointGroupNotFoundException",
// "Message": ...}).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "act/failover/global_accelerator_step.h"
#include "scripted_aws.h"

namespace rg::act {
namespace {

using nlohmann::json;

const std::string kEast =
    "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/"
    "endpoint-group/east1234";
const std::string kWest =
    "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/"
    "endpoint-group/west5678";

json endpoint(std::string id, std::optional<int> weight, std::string health = "HEALTHY", bool preserve = true) {
  json e = {{"EndpointId", std::move(id)}, {"HealthState", std::move(health)}, {"ClientIPPreservationEnabled", preserve}};
  if (weight) e["Weight"] = *weight;
  return e;
}

std::string group(const std::string& arn, double dial, json endpoints = json::array({endpoint("alb", 128)})) {
  return json{{"EndpointGroup",
               {{"EndpointGroupArn", arn},
                {"EndpointGroupRegion", arn == kEast ? "us-east-1" : "us-west-2"},
                {"TrafficDialPercentage", dial},
                {"HealthCheckPort", 443},
                {"HealthCheckProtocol", "TCP"},
                {"ThresholdCount", 3},
                {"EndpointDescriptions", std::move(endpoints)}}}}
      .dump();
}

class GlobalAcceleratorStep : public ::testing::Test {
 protected:
  // The bodies of the requests for `operation` (X-Amz-Target GlobalAccelerator_V20180706.<operation>).
  std::vector<json> sent(std::string_view operation) const {
    std::vector<json> out;
    for (const auto& request : aws_.transport.sent) {
      const auto target = aws::find_header(request.headers, "X-Amz-Target");
      if (target && *target == "GlobalAccelerator_V20180706." + std::string(operation)) out.push_back(json::parse(request.body));
    }
    return out;
  }

  test::ScriptedAws aws_{"globalaccelerator", "us-west-2"};
  AcceleratorMove move_{kWest, kEast};  // failover from us-east-1 to us-west-2
  PlanStep step_ = global_accelerator_step(*aws_.client, move_);
};

TEST_F(GlobalAcceleratorStep, DialsMoveTheTargetUpFirstAndSendOnlyTheDial) {
  aws_.transport.answer(200, group(kWest, 0));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 0));
  const auto acted = aws_.run(step_.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(*acted, "target dial 100 (was 0), source dial 0 (was 100)");
  // The control plane in us-west-2, whatever the groups' regions.
  ASSERT_FALSE(aws_.transport.sent.empty());
  EXPECT_EQ(aws_.transport.sent[0].url, "https://globalaccelerator.us-west-2.amazonaws.com/");
  const auto updates = sent("UpdateEndpointGroup");
  // EndpointConfigurations would replace the group's endpoints: a dial change sends none.
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0], (json{{"EndpointGroupArn", kWest}, {"TrafficDialPercentage", 100.0}}));
  EXPECT_EQ(updates[1], (json{{"EndpointGroupArn", kEast}, {"TrafficDialPercentage", 0.0}}));
  EXPECT_EQ(step_.memory->state()->at("groups").at(kEast).at("dial"), 100.0);
  EXPECT_EQ(step_.memory->state()->at("groups").at(kWest).at("dial"), 0.0);
}

TEST_F(GlobalAcceleratorStep, VerificationReadsBothDialsBack) {
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 0));
  const auto verified = aws_.run(step_.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(*verified, "dials read back 100 and 0");
  // Someone turned the source back up meanwhile.
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 40));
  const auto failed = aws_.run(step_.verify);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), "the source's endpoint group east1234 reads back dial 40, not 0");
}

TEST_F(GlobalAcceleratorStep, UndoPutsBackTheDialsThatWereThereSourceFirst) {
  aws_.transport.answer(200, group(kWest, 50));
  aws_.transport.answer(200, group(kEast, 50));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 0));
  ASSERT_TRUE(aws_.run(step_.action));
  // Source: read 0, write 50, read back 50; then target: read 100, write 50, read back 50.
  aws_.transport.answer(200, group(kEast, 0));
  aws_.transport.answer(200, group(kEast, 50));
  aws_.transport.answer(200, group(kEast, 50));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kWest, 50));
  aws_.transport.answer(200, group(kWest, 50));
  const auto undone = aws_.run(step_.undo);
  ASSERT_TRUE(undone) << undone.error();
  EXPECT_EQ(*undone, "endpoint group east1234 dial back to 50, endpoint group west5678 dial back to 50");
  const auto updates = sent("UpdateEndpointGroup");
  ASSERT_EQ(updates.size(), 4u);
  EXPECT_EQ(updates[2], (json{{"EndpointGroupArn", kEast}, {"TrafficDialPercentage", 50.0}}));
  EXPECT_EQ(updates[3], (json{{"EndpointGroupArn", kWest}, {"TrafficDialPercentage", 50.0}}));
}

TEST_F(GlobalAcceleratorStep, AnUndoThatDoesNotReadBackFailsAndSaysWhich) {
  aws_.transport.answer(200, group(kWest, 0));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 0));
  ASSERT_TRUE(aws_.run(step_.action));
  aws_.transport.answer(200, group(kEast, 0));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kEast, 0));  // read back: still 0
  const auto undone = aws_.run(step_.undo);
  ASSERT_FALSE(undone);
  EXPECT_EQ(undone.error(), "after undo endpoint group east1234 does not read back what it had before the plan");
}

// After a crash the executor hands the journaled state back (UndoMemory::restore) and runs the
// action again: it reads its own change, writes nothing, and the undo still goes back to 100/0.
TEST_F(GlobalAcceleratorStep, AResumedStepDoesNotTakeItsOwnChangeForTheOriginal) {
  aws_.transport.answer(200, group(kWest, 0));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.no_answer();  // the source's write: the process died here, say
  aws_.transport.no_answer();
  aws_.transport.no_answer();
  ASSERT_FALSE(aws_.run(step_.action));
  const json journaled = *step_.memory->state();

  auto resumed = global_accelerator_step(*aws_.client, move_);
  resumed.memory->restore(journaled);
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kEast, 0));
  const auto acted = aws_.run(resumed.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(*acted, "target dial 100 (was 100), source dial 0 (was 100)");
  EXPECT_EQ(resumed.memory->state(), journaled);
  EXPECT_EQ(resumed.memory->state()->at("groups").at(kWest).at("dial"), 0.0);
}

TEST_F(GlobalAcceleratorStep, WeightsSendEveryEndpointBackWithOnlyItsWeightChanged) {
  move_.method = AcceleratorMethod::weights;
  move_.weight = 100;
  auto step = global_accelerator_step(*aws_.client, move_);
  aws_.transport.answer(200, group(kWest, 100, {endpoint("alb-west", 0, "HEALTHY", true), endpoint("i-0west", 200, "HEALTHY", false)}));
  aws_.transport.answer(200, group(kEast, 100, {endpoint("eipalloc-east", 128, "UNHEALTHY", false)}));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kEast, 100));
  const auto acted = aws_.run(step.action);
  ASSERT_TRUE(acted) << acted.error();
  const auto updates = sent("UpdateEndpointGroup");
  ASSERT_EQ(updates.size(), 2u);
  // No dial; every endpoint, with the fields read; only a weight of 0 raised in the target.
  EXPECT_EQ(updates[0],
            (json{{"EndpointGroupArn", kWest},
                  {"EndpointConfigurations",
                   {{{"EndpointId", "alb-west"}, {"Weight", 100}, {"ClientIPPreservationEnabled", true}},
                    {{"EndpointId", "i-0west"}, {"Weight", 200}, {"ClientIPPreservationEnabled", false}}}}}));
  EXPECT_EQ(updates[1], (json{{"EndpointGroupArn", kEast},
                              {"EndpointConfigurations",
                               {{{"EndpointId", "eipalloc-east"}, {"Weight", 0}, {"ClientIPPreservationEnabled", false}}}}}));

  // The undo gives each endpoint its weight back (one added since keeps its own).
  aws_.transport.answer(200, group(kEast, 100, {endpoint("eipalloc-east", 0, "HEALTHY", false), endpoint("new", 7)}));
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kEast, 100, {endpoint("eipalloc-east", 128, "HEALTHY", false), endpoint("new", 7)}));
  aws_.transport.answer(200, group(kWest, 100, {endpoint("alb-west", 100), endpoint("i-0west", 200, "HEALTHY", false)}));
  aws_.transport.answer(200, group(kWest, 100));
  aws_.transport.answer(200, group(kWest, 100, {endpoint("alb-west", 0), endpoint("i-0west", 200, "HEALTHY", false)}));
  const auto undone = aws_.run(step.undo);
  ASSERT_TRUE(undone) << undone.error();
  const auto all = sent("UpdateEndpointGroup");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2]["EndpointConfigurations"],
            (json{{{"EndpointId", "eipalloc-east"}, {"Weight", 128}, {"ClientIPPreservationEnabled", false}},
                  {{"EndpointId", "new"}, {"Weight", 7}, {"ClientIPPreservationEnabled", true}}}));
  EXPECT_EQ(all[3]["EndpointConfigurations"][0], (json{{"EndpointId", "alb-west"}, {"Weight", 0}, {"ClientIPPreservationEnabled", true}}));
}

TEST_F(GlobalAcceleratorStep, AMalformedAnswerFailsTheStepBeforeAnythingIsWritten) {
  aws_.transport.answer(200, group(kWest, 0));
  aws_.transport.answer(200, R"({"EndpointGroup": {"EndpointGroupArn": ")" + kEast + R"(", "TrafficDialPercentage": "lots"}})");
  const auto acted = aws_.run(step_.action);
  ASSERT_FALSE(acted);
  EXPECT_EQ(acted.error(), "endpoint group east1234: bad_response: DescribeEndpointGroup: TrafficDialPercentage is "
                           "\"lots\", not a number from 0 to 100");
  EXPECT_TRUE(sent("UpdateEndpointGroup").empty());
  EXPECT_FALSE(step_.memory->state());
  // An endpoint without its id could not be sent back: refused too.
  aws_.transport.answer(200, group(kWest, 0, {json{{"Weight", 128}}}));
  EXPECT_EQ(aws_.run(step_.action).error(),
            "endpoint group west5678: bad_response: DescribeEndpointGroup: an endpoint has no EndpointId");
}

TEST_F(GlobalAcceleratorStep, ReadinessNeedsAHealthyEndpointInTheTarget) {
  const auto check = global_accelerator_ready_check(*aws_.client, move_);
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kWest, 0, {endpoint("alb-a", 128, "UNHEALTHY"), endpoint("alb-b", 128, "INITIAL")}));
  EXPECT_EQ(aws_.run(check.check).error(), "no healthy endpoint in the target group (alb-a UNHEALTHY, alb-b INITIAL)");
  aws_.transport.answer(200, group(kEast, 100));
  aws_.transport.answer(200, group(kWest, 0, {endpoint("alb-a", 128, "UNHEALTHY"), endpoint("alb-b", 128, "HEALTHY")}));
  const auto ready = aws_.run(check.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(*ready, "alb-b HEALTHY");
  // A group that does not exist is named with the service's error.
  aws_.transport.answer(400, R"({"__type": "EndpointGroupNotFoundException", "Message": "Endpoint group not found"})");
  const auto missing = aws_.run(check.check);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("endpoint group east1234: service_error: EndpointGroupNotFoundException"), std::string::npos)
      << missing.error();
}

}  // namespace
}  // namespace rg::act
