// RefreshingCredentials: the chain's provider runs on a worker, callers on the loop get the cache,
// one refresh serves everyone waiting, and the advisory and mandatory windows behave as botocore's.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

#include "aws/client_credentials.h"
#include "unit/aws/aws_test_util.h"

namespace rg::aws {
namespace {

using namespace std::chrono_literals;
using test::at;

// Hands out numbered session credentials expiring an hour after `issued`, or fails.
class CountingProvider final : public CredentialProvider {
 public:
  CountingProvider(std::atomic<int>& loads, std::atomic<bool>& fail, TimePoint issued)
      : loads_(loads), fail_(fail), issued_(issued) {}
  CredentialSource source() const override { return CredentialSource::container; }
  std::string describe() const override { return "counting provider"; }
  std::expected<CredentialLoad, AwsError> load() override {
    const int n = ++loads_;
    load_thread = std::this_thread::get_id();
    if (fail_) return std::unexpected(make_error(AwsErrorKind::transport, "credentials endpoint down"));
    AwsCredentials c{"ASIA" + std::to_string(n), "secret", "token", issued_ + 1h, std::nullopt};
    return CredentialLoad{std::move(c)};
  }
  std::thread::id load_thread;

 private:
  std::atomic<int>& loads_;
  std::atomic<bool>& fail_;
  TimePoint issued_;
};

HttpSend no_http() {
  return [](const HttpRequest&) -> std::expected<HttpResponse, AwsError> {
    return std::unexpected(make_error(AwsErrorKind::transport, "no HTTP in this test"));
  };
}

struct Fixture {
  boost::asio::io_context loop;
  std::atomic<int> loads{0};
  std::atomic<bool> fail{false};
  const TimePoint issued = at("2026-11-21T07:00:00Z");
  CountingProvider* provider = nullptr;
  std::unique_ptr<RefreshingCredentials> credentials;

  Fixture() {
    auto p = std::make_unique<CountingProvider>(loads, fail, issued);
    provider = p.get();
    credentials = std::make_unique<RefreshingCredentials>(loop, std::move(p), no_http());
  }

  // get() at `now`, running the loop until the answer comes.
  std::expected<AwsCredentials, AwsError> get(TimePoint now) {
    std::optional<std::expected<AwsCredentials, AwsError>> out;
    credentials->get(now, [&](std::expected<AwsCredentials, AwsError> c) { out = std::move(c); });
    while (!out) {
      loop.restart();  // run_for() stops the loop whenever it runs out of work
      loop.run_for(10ms);
    }
    return std::move(*out);
  }

  // Runs the loop until a background refresh has been stored.
  void settle(int expected_loads) {
    for (int i = 0; i < 500 && loads.load() < expected_loads; ++i) std::this_thread::sleep_for(2ms);
    loop.restart();
    loop.run_for(50ms);
  }
};

TEST(RefreshingCredentials, LoadsOnTheWorkerAndCaches) {
  Fixture f;
  auto first = f.get(f.issued);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->access_key_id, "ASIA1");
  EXPECT_NE(f.provider->load_thread, std::this_thread::get_id()) << "load() never runs on the loop";
  auto again = f.get(f.issued + 30min);
  EXPECT_EQ(again->access_key_id, "ASIA1");
  EXPECT_EQ(f.loads.load(), 1);
}

TEST(RefreshingCredentials, OneRefreshServesEveryCallerWaiting) {
  Fixture f;
  int answers = 0;
  for (int i = 0; i < 5; ++i) {
    f.credentials->get(f.issued, [&](std::expected<AwsCredentials, AwsError> c) {
      EXPECT_TRUE(c);
      ++answers;
    });
  }
  while (answers < 5) {
    f.loop.restart();
    f.loop.run_for(10ms);
  }
  EXPECT_EQ(f.loads.load(), 1);
}

TEST(RefreshingCredentials, InTheAdvisoryWindowCallersGetTheCachedOnesWhileARefreshRuns) {
  Fixture f;
  ASSERT_TRUE(f.get(f.issued));
  // 14 minutes before expiry: advisory. The answer is immediate and still ASIA1.
  auto advisory = f.get(f.issued + 46min);
  EXPECT_EQ(advisory->access_key_id, "ASIA1");
  f.settle(2);
  EXPECT_EQ(f.loads.load(), 2);
  EXPECT_EQ(f.get(f.issued + 47min)->access_key_id, "ASIA2");
}

TEST(RefreshingCredentials, AFailedAdvisoryRefreshKeepsTheCachedOnes) {
  Fixture f;
  ASSERT_TRUE(f.get(f.issued));
  f.fail = true;
  EXPECT_EQ(f.get(f.issued + 46min)->access_key_id, "ASIA1");
  f.settle(2);
  EXPECT_EQ(f.get(f.issued + 46min)->access_key_id, "ASIA1");
}

TEST(RefreshingCredentials, InTheMandatoryWindowCallersWaitAndSeeTheFailure) {
  Fixture f;
  ASSERT_TRUE(f.get(f.issued));
  f.fail = true;
  auto mandatory = f.get(f.issued + 55min);  // 5 minutes before expiry
  ASSERT_FALSE(mandatory);
  EXPECT_EQ(mandatory.error().message, "credentials endpoint down");
  f.fail = false;
  EXPECT_EQ(f.get(f.issued + 55min)->access_key_id, "ASIA3");
}

TEST(RefreshingCredentials, InvalidateForcesARefresh) {
  Fixture f;
  ASSERT_TRUE(f.get(f.issued));
  f.credentials->invalidate();
  EXPECT_EQ(f.get(f.issued + 1min)->access_key_id, "ASIA2");
}

TEST(FixedCredentials, AnswersAtOnce) {
  FixedCredentials fixed(AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  bool called = false;
  fixed.get(at("2026-11-21T07:00:00Z"), [&](std::expected<AwsCredentials, AwsError> c) {
    called = true;
    EXPECT_EQ(c->access_key_id, "testing");
  });
  EXPECT_TRUE(called);
}

}  // namespace
}  // namespace rg::aws
