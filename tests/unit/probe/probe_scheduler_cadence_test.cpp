// The scheduler's cadence with a prober that answers at once: every round probes every endpoint
// whose interval has come, even when the timer fires late (rounds follow the scheduled ticks, not
// the moment the timer ran).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
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
