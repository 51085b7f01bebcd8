// The etcd client against a real three-member etcd cluster on loopback (tests/support/etcd_cluster.h):
// reads, writes and transactions, leases that keep keys alive and let them go, a watch that sees
// puts and deletes and ends when its member dies, and calls that go on to the next member when
// the first cannot be reached — blocking and on the event loop.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <thread>

#include "cluster/etcd_client.h"
#include "net/curl_multi.h"
#include "support/etcd_cluster.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

EtcdSettings settings_for(const test::EtcdCluster& cluster) {
  EtcdSettings settings;
  settings.endpoints = cluster.endpoints();
  settings.timeout = 5s;  // a loaded 2-core machine; nothing here waits on it unless something is wrong
  return settings;
}

// Polls `done` every 50 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// The event loop of the asynchronous client, run until a condition holds.
struct Loop {
  boost::asio::io_context io;
  CurlMulti curl{io};

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.restart();
      io.run_for(20ms);
    }
    return true;
  }

  // Runs one asynchronous call to its answer.
  template <class T>
  EtcdResult<T> wait(const std::function<void(EtcdClient::Callback<T>)>& call) {
    std::optional<EtcdResult<T>> answer;
    call([&](EtcdResult<T> result) { answer = std::move(result); });
    if (!run_until([&] { return answer.has_value(); }))
      return std::unexpected(EtcdError{EtcdError::Kind::timeout, 0, "the test's loop gave up"});
    return std::move(*answer);
  }
};

TEST(EtcdClient, BlockingPutRangeTxnAndDeleteAgainstAThreeMemberCluster) {
  test::EtcdCluster cluster;
  EtcdBlockingClient client(settings_for(cluster));
  ASSERT_TRUE(client.put("/rg/a", "1")) << "put";
  ASSERT_TRUE(client.put("/rg/b", std::string("\x00\xff binary", 9)));
  ASSERT_TRUE(client.put("/rh", "outside the prefix"));

  const auto all = client.range("/rg/", prefix_end("/rg/"));
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->ranges.at(0).size(), 2u);
  EXPECT_EQ(all->ranges[0][0].key, "/rg/a");
  EXPECT_EQ(all->ranges[0][1].value, std::string("\x00\xff binary", 9));
  const std::int64_t created = all->ranges[0][0].create_revision;
  EXPECT_GT(created, 0);

  // Create-if-absent on a key that exists: the failure branch reads the current holder.
  EtcdTxn create;
  create.compare.push_back({"/rg/a", EtcdCompare::Target::create_revision, EtcdCompare::Result::equal, 0, ""});
  create.success.push_back(EtcdOperation::put("/rg/a", "mine"));
  create.failure.push_back(EtcdOperation::range("/rg/a"));
  const auto lost = client.txn(create);
  ASSERT_TRUE(lost) << lost.error().message;
  EXPECT_FALSE(lost->succeeded);
  EXPECT_EQ(lost->ranges.at(0).at(0).create_revision, created);
  EXPECT_EQ(lost->ranges[0][0].value, "1");
  // Compared on its create_revision (a fencing token), the same write goes through.
  create.compare[0].number = created;
  const auto won = client.txn(create);
  ASSERT_TRUE(won);
  EXPECT_TRUE(won->succeeded);
  EXPECT_EQ(client.range("/rg/a")->ranges.at(0).at(0).value, "mine");

  const auto erased = client.erase("/rg/", prefix_end("/rg/"));
  ASSERT_TRUE(erased);
  EXPECT_EQ(erased->deleted, 2);
  EXPECT_TRUE(client.range("/rg/", prefix_end("/rg/"))->ranges.at(0).empty());
  EXPECT_EQ(client.range("/rh")->ranges.at(0).size(), 1u);
}

TEST(EtcdClient, AKeyBoundToALeaseLivesWhileKeptAliveAndGoesWhenTheLeaseExpires) {
  test::EtcdCluster cluster;
  EtcdBlockingClient client(settings_for(cluster));
  // 3 s: long enough that a loaded machine still puts the key before the lease ends.
  const auto lease = client.grant(3s);
  ASSERT_TRUE(lease) << lease.error().message;
  EXPECT_NE(lease->id, 0);
  EXPECT_EQ(lease->ttl, 3s);
  ASSERT_TRUE(client.put("/rg/view/us-west-2", "up", lease->id));
  EXPECT_EQ(client.range("/rg/view/us-west-2")->ranges.at(0).at(0).lease, lease->id);
  const auto renewed = client.keep_alive(lease->id);
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->ttl, 3s);
  // Nobody renews any more: etcd deletes the key once the lease runs out.
  EXPECT_TRUE(eventually([&] {
    const auto read = client.range("/rg/view/us-west-2");
    return read && read->ranges.at(0).empty();
  })) << "the key outlived its lease";
  const auto gone = client.keep_alive(lease->id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->ttl, 0s);  // the lease no longer exists
  // A revoked lease takes its keys at once.
  const auto second = client.grant(60s).value();
  ASSERT_TRUE(client.put("/rg/view/eu-west-1", "up", second.id));
  ASSERT_TRUE(client.revoke(second.id));
  EXPECT_TRUE(client.range("/rg/view/eu-west-1")->ranges.at(0).empty());
}

TEST(EtcdClient, AsynchronousCallsOnTheEventLoop) {
  test::EtcdCluster cluster;
  Loop loop;
  EtcdClient client(loop.curl, settings_for(cluster));
  ASSERT_TRUE(loop.wait<EtcdResponse>([&](auto done) { client.put("/rg/x", "1", 0, done); }));
  const auto read = loop.wait<EtcdResponse>([&](auto done) { client.range("/rg/x", "", done); });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->ranges.at(0).at(0).value, "1");

  EtcdTxn swap;
  swap.compare.push_back({"/rg/x", EtcdCompare::Target::value, EtcdCompare::Result::equal, 0, "1"});
  swap.success.push_back(EtcdOperation::put("/rg/x", "2"));
  const auto swapped = loop.wait<EtcdResponse>([&](auto done) { client.txn(swap, done); });
  ASSERT_TRUE(swapped);
  EXPECT_TRUE(swapped->succeeded);
  const auto again = loop.wait<EtcdResponse>([&](auto done) { client.txn(swap, done); });
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->succeeded);  // the value is no longer "1"

  const auto lease = loop.wait<EtcdLease>([&](auto done) { client.grant(30s, done); });
  ASSERT_TRUE(lease) << lease.error().message;
  ASSERT_TRUE(loop.wait<EtcdResponse>([&](auto done) { client.put("/rg/leased", "v", lease->id, done); }));
  const auto renewed = loop.wait<EtcdLease>([&](auto done) { client.keep_alive(lease->id, done); });
  ASSERT_TRUE(renewed);
  EXPECT_EQ(renewed->ttl, 30s);
  std::optional<EtcdResult<void>> revoked;
  client.revoke(lease->id, [&](EtcdResult<void> result) { revoked = std::move(result); });
  EXPECT_FALSE(revoked.has_value());  // never inside the call
  ASSERT_TRUE(loop.run_until([&] { return revoked.has_value(); }));
  EXPECT_TRUE(*revoked);
  const auto after = loop.wait<EtcdResponse>([&](auto done) { client.range("/rg/leased", "", done); });
  EXPECT_TRUE(after->ranges.at(0).empty());
  const auto erased = loop.wait<EtcdResponse>([&](auto done) { client.erase("/rg/x", "", done); });
  EXPECT_EQ(erased.value().deleted, 1);
}

TEST(EtcdClient, AWatchSeesPutsAndDeletesAndEndsWhenItsMemberIsKilled) {
  test::EtcdCluster cluster;
  Loop loop;
  EtcdBlockingClient writer(settings_for(cluster));
  // The watcher talks to member 0 only, so killing member 0 is killing its member.
  EtcdSettings only_first = settings_for(cluster);
  only_first.endpoints = {cluster.endpoint(0)};
  EtcdClient client(loop.curl, only_first);
  std::vector<EtcdEvent> seen;
  std::int64_t last_revision = 0;
  std::optional<EtcdError> ended;
  auto watch = client.watch(
      "/rg/views/", prefix_end("/rg/views/"), 0,
      [&](std::vector<EtcdEvent> events, std::int64_t revision) {
        for (auto& event : events) seen.push_back(std::move(event));
        last_revision = revision;
      },
      [&](EtcdError error) { ended = std::move(error); });
  // The watch is live once a write made after it shows up: keep writing a marker until it does.
  ASSERT_TRUE(loop.run_until([&] {
    if (!writer.put("/rg/views/marker", "m")) return false;
    loop.io.restart();
    loop.io.run_for(100ms);
    return !seen.empty();
  }));
  seen.clear();
  ASSERT_TRUE(writer.put("/rg/views/a", "up"));
  ASSERT_TRUE(writer.put("/rg/other", "not watched"));
  ASSERT_TRUE(writer.erase("/rg/views/a"));
  ASSERT_TRUE(loop.run_until([&] { return seen.size() >= 2; }));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, EtcdEvent::Type::put);
  EXPECT_EQ(seen[0].kv.key, "/rg/views/a");
  EXPECT_EQ(seen[0].kv.value, "up");
  EXPECT_EQ(seen[1].type, EtcdEvent::Type::erase);
  EXPECT_EQ(seen[1].kv.key, "/rg/views/a");
  EXPECT_EQ(last_revision, seen[1].kv.mod_revision);
  EXPECT_FALSE(ended);

  cluster.kill(0);
  ASSERT_TRUE(loop.run_until([&] { return ended.has_value(); })) << "the watch did not end with its member";
  EXPECT_NE(ended->message.find(cluster.endpoint(0)), std::string::npos) << ended->message;
  EXPECT_EQ(loop.curl.in_flight(), 0u);
}

TEST(EtcdClient, DestroyingAWatchCancelsItsTransfer) {
  test::EtcdCluster cluster;
  Loop loop;
  EtcdBlockingClient writer(settings_for(cluster));
  EtcdClient client(loop.curl, settings_for(cluster));
  int batches = 0;
  bool ended = false;
  auto watch = client.watch(
      "/rg/", prefix_end("/rg/"), 0, [&](std::vector<EtcdEvent>, std::int64_t) { ++batches; },
      [&](EtcdError) { ended = true; });
  ASSERT_TRUE(loop.run_until([&] {
    if (!writer.put("/rg/marker", "m")) return false;
    loop.io.restart();
    loop.io.run_for(100ms);
    return batches > 0;
  }));
  EXPECT_EQ(loop.curl.in_flight(), 1u);
  watch.reset();
  EXPECT_EQ(loop.curl.in_flight(), 0u);  // the stream is gone at once, not at the next event
  const int before = batches;
  ASSERT_TRUE(writer.put("/rg/after", "x"));
  loop.io.restart();
  loop.io.poll();
  EXPECT_EQ(batches, before);
  EXPECT_FALSE(ended);  // a cancelled watch does not report an end
}

TEST(EtcdClient, ACallGoesOnToTheNextMemberWhenTheFirstIsDownAndRemembersIt) {
  test::EtcdCluster cluster;
  cluster.stop(0);
  EtcdBlockingClient blocking(settings_for(cluster));
  const auto put = blocking.put("/rg/failover", "1");
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(blocking.range("/rg/failover")->ranges.at(0).at(0).value, "1");

  Loop loop;
  EtcdClient async(loop.curl, settings_for(cluster));
  const auto read = loop.wait<EtcdResponse>([&](auto done) { async.range("/rg/failover", "", done); });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->ranges.at(0).at(0).value, "1");
  // A watch, too, connects to a member that is up.
  bool got = false;
  std::optional<EtcdError> ended;
  auto watch = async.watch(
      "/rg/failover", "", 0, [&](std::vector<EtcdEvent>, std::int64_t) { got = true; },
      [&](EtcdError error) { ended = error; });
  ASSERT_TRUE(loop.run_until([&] {
    if (ended) return true;
    if (!blocking.put("/rg/failover", "2")) return false;
    loop.io.restart();
    loop.io.run_for(100ms);
    return got;
  }));
  EXPECT_FALSE(ended) << ended->message;

  // Every member down: one error naming each of them, promptly.
  cluster.stop(1);
  cluster.stop(2);
  const auto none = blocking.range("/rg/failover");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, EtcdError::Kind::unreachable);
  for (const auto& endpoint : cluster.endpoints())
    EXPECT_NE(none.error().message.find(endpoint), std::string::npos) << none.error().message;
}

// A member that is paused (SIGSTOP: its port still accepts, nothing answers) costs one call its
// timeout; the next call goes to another member first.
TEST(EtcdClient, AMemberThatStopsAnsweringCostsOneTimeoutThenCallsGoElsewhere) {
  test::EtcdCluster cluster;
  EtcdSettings settings = settings_for(cluster);
  settings.timeout = 1s;
  EtcdBlockingClient client(settings);
  ASSERT_TRUE(client.put("/rg/p", "1"));  // member 0 answered: it is the one the client keeps using
  cluster.pause(0);
  const auto stuck = client.range("/rg/p");
  ASSERT_FALSE(stuck);
  EXPECT_EQ(stuck.error().kind, EtcdError::Kind::timeout) << stuck.error().message;
  EXPECT_NE(stuck.error().message.find(cluster.endpoint(0)), std::string::npos) << stuck.error().message;
  const auto moved = client.range("/rg/p");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->ranges.at(0).at(0).value, "1");
  cluster.resume(0);
  cluster.wait_healthy(0, 30s);
}

// etcd auth: the client authenticates with user and password and sends the token; when etcd no
// longer knows the token (auth turned off and on again drops every simple token, as expiry does)
// it authenticates again once and the call goes through.
TEST(EtcdClient, AuthenticatesSendsItsTokenAndAuthenticatesAgainWhenTheTokenIsRefused) {
  test::EtcdCluster cluster;
  cluster.enable_auth("s3cret");
  EtcdSettings with_user = settings_for(cluster);
  with_user.user = "root";
  with_user.password = "s3cret";
  EtcdBlockingClient blocking(with_user);
  const auto put = blocking.put("/rg/auth", "1");
  ASSERT_TRUE(put) << put.error().message;
  Loop loop;
  EtcdClient async(loop.curl, with_user);
  const auto read = loop.wait<EtcdResponse>([&](auto done) { async.range("/rg/auth", "", done); });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->ranges.at(0).at(0).value, "1");

  // Without credentials, or with the wrong password, etcd says no.
  EtcdBlockingClient anonymous(settings_for(cluster));
  const auto refused = anonymous.range("/rg/auth");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().kind, EtcdError::Kind::unreachable) << refused.error().message;
  EtcdSettings wrong = with_user;
  wrong.password = "guess";
  const auto bad_password = EtcdBlockingClient(wrong).range("/rg/auth");
  ASSERT_FALSE(bad_password);
  EXPECT_EQ(bad_password.error().kind, EtcdError::Kind::auth) << bad_password.error().message;

  // Every token is dropped; both clients still hold theirs.
  ASSERT_EQ(cluster.etcdctl({"--user=root:s3cret", "auth", "disable"}).status, 0);
  ASSERT_EQ(cluster.etcdctl({"--user=root:s3cret", "auth", "enable"}).status, 0);
  const auto again = blocking.put("/rg/auth", "2");
  ASSERT_TRUE(again) << again.error().message;
  const auto async_again = loop.wait<EtcdResponse>([&](auto done) { async.range("/rg/auth", "", done); });
  ASSERT_TRUE(async_again) << async_again.error().message;
  EXPECT_EQ(async_again->ranges.at(0).at(0).value, "2");
}

}  // namespace
}  // namespace rg::cluster
