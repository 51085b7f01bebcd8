// The scheduler's cadence with a prober that answers at once: every round probes every endpoint
// whose interval has come, even when the timer fires late (rounds follow the scheduled ticks, not
// the moment the timer ran).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <thread>

#include "probe/probe_scheduler.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

class InstantProber final : public Prober {
 public:
  explicit InstantProber(boost::asio::io_context& io) : io_(io) {}
  void start(const EndpointConfig& endpoint, Completion done) override {
    ProbeResult result;
    result.endpoint_id = endpoint.id;
    result.success = true;
    boost::asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

 private:
  boost::asio::io_context& io_;
};

// Answers when the check's timeout has passed: the slowest a probe can be.
class TimeoutProber final : public Prober {
 public:
  explicit TimeoutProber(boost::asio::io_context& io) : io_(io) {}
  void start(const EndpointConfig& endpoint, Completion done) override {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, endpoint.timeout);
    timer->async_wait([timer, id = endpoint.id, done = std::move(done)](const boost::system::error_code&) mutable {
      ProbeResult result;
      result.endpoint_id = id;
      result.failure = FailureKind::timeout;
      done(std::move(result));
    });
  }

 private:
  boost::asio::io_context& io_;
};

EndpointConfig endpoint(std::string id, Millis interval) {
  EndpointConfig e;
  e.id = std::move(id);
  e.interval = interval;
  e.timeout = interval / 2;
  return e;
}

TEST(ProbeSchedulerCadence, EveryTickProbesEveryDueEndpointEvenWhenTheLoopIsLate) {
  boost::asio::io_context io;
  InstantProber prober(io);
  ProbeScheduler scheduler(io, {endpoint("a", 50ms), endpoint("b", 50ms), endpoint("c", 50ms)},
                           ProbeScheduler::Options{0ms, 1});
  scheduler.register_prober(ProbeKind::dns, prober);
  std::vector<std::size_t> sizes;
  scheduler.start([&](ProbeRound&& round) {
    sizes.push_back(round.results.size());
    // Make the loop late for the next tick, by a different amount each round.
    std::this_thread::sleep_for(std::chrono::milliseconds(sizes.size() % 2 == 0 ? 20 : 2));
    if (sizes.size() == 12) {
      scheduler.stop();
      io.stop();
    }
  });
  io.run_for(5s);
  ASSERT_EQ(sizes.size(), 12u);
  for (std::size_t i = 0; i < sizes.size(); ++i) EXPECT_EQ(sizes[i], 3u) << "round " << i + 1;
}

TEST(ProbeSchedulerCadence, AProbeIsNeverLaunchedSoLateThatItsTimeoutRunsIntoTheNextRound) {
  // The drill of issue 15: with a 1 s interval the default jitter (1 s) launched some probes so
  // late in the round that a slow answer was still running at the next tick, and those checks
  // were skipped as "still running". A check's launch now stays within half of what its timeout
  // leaves of its interval, whatever the jitter. Here: 600 ms rounds, 100 ms timeouts, a jitter
  // of a whole round; every probe takes its full timeout.
  boost::asio::io_context io;
  TimeoutProber prober(io);
  std::vector<EndpointConfig> endpoints;
  for (int i = 0; i < 8; ++i) {
    auto e = endpoint("e" + std::to_string(i), 600ms);
    e.timeout = 100ms;
    endpoints.push_back(std::move(e));
  }
  ProbeScheduler scheduler(io, endpoints, ProbeScheduler::Options{600ms, 7});
  scheduler.register_prober(ProbeKind::dns, prober);
  int rounds = 0;
  std::size_t skipped = 0;
  std::size_t probed = 0;
  scheduler.start([&](ProbeRound&& round) {
    skipped += round.skipped;
    probed += round.results.size();
    if (++rounds == 5) {
      scheduler.stop();
      io.stop();
    }
  });
  io.run_for(20s);
  EXPECT_EQ(rounds, 5);
  EXPECT_EQ(skipped, 0u) << "probes still running at the next tick";
  EXPECT_EQ(probed, 40u);
}

TEST(ProbeSchedulerCadence, AnEndpointWithALongerIntervalIsProbedOnlyWhenDue) {
  boost::asio::io_context io;
  InstantProber prober(io);
  ProbeScheduler scheduler(io, {endpoint("fast", 50ms), endpoint("slow", 150ms)}, ProbeScheduler::Options{0ms, 1});
  scheduler.register_prober(ProbeKind::dns, prober);
  EXPECT_EQ(scheduler.tick(), 50ms);
  std::map<std::string, int> probes;
  int rounds = 0;
  scheduler.start([&](ProbeRound&& round) {
    for (const auto& r : round.results) ++probes[r.endpoint_id];
    if (++rounds == 9) {
      scheduler.stop();
      io.stop();
    }
  });
  io.run_for(5s);
  EXPECT_EQ(probes["fast"], 9);
  EXPECT_EQ(probes["slow"], 3);  // ticks 0, 3 and 6
}

}  // namespace
}  // namespace rg
