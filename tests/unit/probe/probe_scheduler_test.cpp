// ProbeScheduler::trigger_round(): the round POST /api/v1/probe starts, told with a fake prober
// that answers when the test says so.
#include "probe/probe_scheduler.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <string>
#include <utility>
#include <vector>

namespace rg {
namespace {

using namespace std::chrono_literals;

// Records every probe started; answers at once (posted, as a real prober would) or holds the
// answers until release().
class FakeProber final : public Prober {
 public:
  FakeProber(boost::asio::io_context& io, bool hold) : io_(io), hold_(hold) {}

  void start(const EndpointConfig& endpoint, Completion done) override {
    started.push_back(endpoint.id);
    if (hold_) {
      held_.emplace_back(endpoint.id, std::move(done));
      return;
    }
    boost::asio::post(io_, [id = endpoint.id, done = std::move(done)] { done(success(id)); });
  }

  void release() {
    for (auto& [id, done] : std::exchange(held_, {})) done(success(id));
  }

  std::vector<std::string> started;

 private:
  static ProbeResult success(const std::string& id) {
    ProbeResult result;
    result.endpoint_id = id;
    result.success = true;
    return result;
  }
  boost::asio::io_context& io_;
  bool hold_;
  std::vector<std::pair<std::string, Completion>> held_;
};

EndpointConfig endpoint(std::string id, std::chrono::milliseconds interval) {
  EndpointConfig config;
  config.id = std::move(id);
  config.hostname = config.id;
  config.interval = interval;
  config.timeout = interval / 2;
  return config;
}

struct Reported {
  std::uint64_t number;
  std::vector<std::string> ids;
  std::size_t skipped;
};

class TriggerRoundTest : public testing::Test {
 protected:
  void start(bool hold) {
    prober_ = std::make_unique<FakeProber>(io_, hold);
    scheduler_.register_prober(ProbeKind::dns, *prober_);
    scheduler_.start([this](ProbeRound&& round) {
      Reported reported{round.number, {}, round.skipped};
      for (const auto& result : round.results) reported.ids.push_back(result.endpoint_id);
      rounds_.push_back(std::move(reported));
    });
  }

  boost::asio::io_context io_;
  // One endpoint every second, one every minute: the scheduler ticks every second.
  ProbeScheduler scheduler_{io_, {endpoint("fast", 1s), endpoint("slow", 60s)}, ProbeScheduler::Options{0ms, 1}};
  std::unique_ptr<FakeProber> prober_;
  std::vector<Reported> rounds_;
};

TEST_F(TriggerRoundTest, DoesNothingBeforeTheSchedulerRuns) {
  EXPECT_FALSE(scheduler_.trigger_round());
  io_.poll();
  EXPECT_TRUE(rounds_.empty());
}

TEST_F(TriggerRoundTest, ProbesEveryEndpointNowEvenOnesNotDue) {
  start(false);
  io_.poll();
  ASSERT_EQ(rounds_.size(), 1u);  // the first round starts at once with both endpoints

  // A second later only "fast" would be due; a triggered round takes both, at once.
  EXPECT_TRUE(scheduler_.trigger_round());
  io_.poll();
  ASSERT_EQ(rounds_.size(), 2u);
  EXPECT_EQ(rounds_[1].number, 2u);
  EXPECT_EQ(rounds_[1].ids, (std::vector<std::string>{"fast", "slow"}));
  scheduler_.stop();
}

TEST_F(TriggerRoundTest, ABurstOfTriggersStartsOneRound) {
  start(true);
  prober_->release();  // the first regular round
  io_.poll();
  ASSERT_EQ(rounds_.size(), 1u);

  EXPECT_TRUE(scheduler_.trigger_round());
  EXPECT_FALSE(scheduler_.trigger_round());  // still in flight
  EXPECT_FALSE(scheduler_.trigger_round());
  EXPECT_EQ(prober_->started.size(), 4u);  // 2 regular + 2 triggered, not 2 more per request

  prober_->release();
  io_.poll();
  ASSERT_EQ(rounds_.size(), 2u);
  EXPECT_TRUE(scheduler_.trigger_round());  // the triggered round is done: another may start
  prober_->release();
  io_.poll();
  EXPECT_EQ(rounds_.size(), 3u);
  scheduler_.stop();
}

TEST_F(TriggerRoundTest, EndpointsStillBusyAreSkippedNotDoubled) {
  start(true);  // the first regular round stays in flight
  EXPECT_TRUE(scheduler_.trigger_round());
  ASSERT_EQ(rounds_.size(), 1u);  // nothing to probe: reported at once
  EXPECT_TRUE(rounds_[0].ids.empty());
  EXPECT_EQ(rounds_[0].skipped, 2u);
  EXPECT_EQ(prober_->started.size(), 2u);
  scheduler_.stop();
}

TEST_F(TriggerRoundTest, TheRegularCadenceKeepsItsSchedule) {
  start(false);
  io_.poll();
  EXPECT_TRUE(scheduler_.trigger_round());
  io_.poll();
  ASSERT_EQ(rounds_.size(), 2u);
  // The regular tick one second after the start still probes "fast": the triggered round did not
  // push its next due time back.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (rounds_.size() < 3 && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
  ASSERT_EQ(rounds_.size(), 3u);
  EXPECT_EQ(rounds_[2].ids, (std::vector<std::string>{"fast"}));
  scheduler_.stop();
}

}  // namespace
}  // namespace rg
