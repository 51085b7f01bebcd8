// The pure pieces that keep hostile clients from taking the server: the connection budget with
// its reserve for health probes, per-source rate limits, the refusal log that counts everything
// and logs once a minute per source, and the header checks (framing, Host, Origin).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "present/connection_budget.h"
#include "present/refusals.h"
#include "present/request_checks.h"
#include "present/source_rate_limiter.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using Admission = ConnectionBudget::Admission;

TEST(ConnectionBudget, OneSourceCannotTakeEveryConnectionNorTheReserve) {
  ConnectionBudget budget({.total = 10, .per_address = 3, .reserve = 4, .reserve_per_address = 2, .reserve_open = 4});
  // An attacker at 127.0.0.2 opens connections as fast as it can: three full ones...
  for (int i = 0; i < 3; ++i) EXPECT_EQ(budget.admit("127.0.0.2"), Admission::full);
  // ... then two that may only ask for /healthz, /readyz or /gate ...
  EXPECT_EQ(budget.admit("127.0.0.2"), Admission::reserve);
  EXPECT_EQ(budget.admit("127.0.0.2"), Admission::reserve);
  // ... and then nothing.
  EXPECT_EQ(budget.admit("127.0.0.2"), Admission::refused_address);
  EXPECT_EQ(budget.open_from("127.0.0.2"), 5u);
  // A health checker elsewhere still gets a full connection.
  EXPECT_EQ(budget.admit("127.0.0.1"), Admission::full);
  EXPECT_EQ(budget.open(), 6u);
}

TEST(ConnectionBudget, WhenEveryConnectionIsTakenTheReserveStillAnswersHealthProbes) {
  ConnectionBudget budget({.total = 4, .per_address = 4, .reserve = 2, .reserve_per_address = 1, .reserve_open = 2});
  for (const char* source : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"})
    EXPECT_EQ(budget.admit(source), Admission::full);
  EXPECT_EQ(budget.admit("10.0.0.5"), Admission::reserve);  // Route 53's checker, say
  EXPECT_EQ(budget.admit("10.0.0.6"), Admission::reserve);
  EXPECT_EQ(budget.admit("10.0.0.7"), Admission::refused_total);
  // Connections given back make room again, full ones first.
  budget.release("10.0.0.1", Admission::full);
  EXPECT_EQ(budget.admit("10.0.0.7"), Admission::full);
  budget.release("10.0.0.5", Admission::reserve);
  EXPECT_EQ(budget.admit("10.0.0.8"), Admission::reserve);
  EXPECT_EQ(budget.open(), 6u);
  // Releasing what was never admitted changes nothing.
  budget.release("192.0.2.1", Admission::full);
  EXPECT_EQ(budget.open(), 6u);
}

// 5,000 slowloris connections from 250 addresses took every reserve place too (4 each is
// nothing to them): part of the reserve is kept for sources whose probes were answered before.
TEST(ConnectionBudget, PartOfTheReserveIsKeptForKnownProbers) {
  ConnectionBudget budget({.total = 2, .per_address = 2, .reserve = 4, .reserve_per_address = 1, .reserve_open = 2});
  EXPECT_EQ(budget.admit("10.0.0.1"), Admission::full);
  EXPECT_EQ(budget.admit("10.0.0.1"), Admission::full);
  EXPECT_EQ(budget.admit("10.0.0.2"), Admission::reserve);  // the open half of the reserve
  EXPECT_EQ(budget.admit("10.0.0.3"), Admission::reserve);
  EXPECT_EQ(budget.admit("10.0.0.4"), Admission::refused_total);  // the rest is kept
  EXPECT_EQ(budget.admit("10.0.0.5", true), Admission::reserve_known);  // Route 53's checker, say
  EXPECT_EQ(budget.admit("10.0.0.6", true), Admission::reserve_known);
  EXPECT_EQ(budget.admit("10.0.0.7", true), Admission::refused_total);  // the reserve is full
  budget.release("10.0.0.2", Admission::reserve);
  EXPECT_EQ(budget.admit("10.0.0.4"), Admission::reserve);
  budget.release("10.0.0.5", Admission::reserve_known);
  EXPECT_EQ(budget.admit("10.0.0.8"), Admission::refused_total);
  EXPECT_EQ(budget.admit("10.0.0.7", true), Admission::reserve_known);
  EXPECT_EQ(budget.open(), 6u);
}

TEST(RecentProbers, RememberedForAWhileAndBounded) {
  RecentProbers probers(10min, 2);
  const auto t0 = RecentProbers::Clock::time_point{} + 1h;
  EXPECT_FALSE(probers.contains("a", t0));
  probers.note("a", t0);
  EXPECT_TRUE(probers.contains("a", t0 + 9min));
  EXPECT_FALSE(probers.contains("a", t0 + 10min));
  probers.note("b", t0 + 5min);
  probers.note("c", t0 + 11min);  // full: a has expired and makes room
  EXPECT_TRUE(probers.contains("b", t0 + 11min));
  EXPECT_TRUE(probers.contains("c", t0 + 11min));
  probers.note("d", t0 + 12min);  // full of live sources: start again rather than grow
  EXPECT_TRUE(probers.contains("d", t0 + 12min));
  EXPECT_FALSE(probers.contains("b", t0 + 12min));
  EXPECT_FALSE(probers.contains("c", t0 + 12min));
}

TEST(SourceRateLimiter, ABurstThenTheSustainedRatePerSource) {
  SourceRateLimiter limiter(1.0, 3.0);
  const auto t0 = SourceRateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("a", t0)) << i;
  EXPECT_FALSE(limiter.take("a", t0));        // the burst is spent
  EXPECT_TRUE(limiter.take("b", t0));         // another source has its own bucket
  EXPECT_FALSE(limiter.has_token("a", t0 + 500ms));
  EXPECT_TRUE(limiter.take("a", t0 + 1s));    // one token a second
  EXPECT_FALSE(limiter.take("a", t0 + 1s));
  EXPECT_TRUE(limiter.has_token("a", t0 + 1h));  // refilled, never beyond the burst
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("a", t0 + 1h));
  EXPECT_FALSE(limiter.take("a", t0 + 1h));
}

TEST(SourceRateLimiter, AFullTableForgetsRefilledSourcesAndRefusesTheUntracked) {
  SourceRateLimiter limiter(1.0, 2.0, 2);
  const auto t0 = SourceRateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.take("a", t0));
  EXPECT_TRUE(limiter.take("b", t0));
  EXPECT_FALSE(limiter.take("c", t0));  // no room, and nobody to forget: refused, not unlimited
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_TRUE(limiter.take("c", t0 + 5s));  // a and b have refilled: forgotten
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(RefusalLog, CountsEveryRefusalAndLogsOncePerSourceAMinute) {
  RefusalLog log;
  const auto t0 = RefusalLog::Clock::time_point{} + 1h;
  EXPECT_EQ(log.note(RefusalReason::per_address_limit, "127.0.0.2", t0), 1u);  // the first: logged
  for (int i = 0; i < 999; ++i)
    EXPECT_FALSE(log.note(RefusalReason::per_address_limit, "127.0.0.2", t0 + 10s).has_value());
  // Another source, or another reason, has its own minute.
  EXPECT_EQ(log.note(RefusalReason::per_address_limit, "127.0.0.3", t0 + 10s), 1u);
  EXPECT_EQ(log.note(RefusalReason::header_timeout, "127.0.0.2", t0 + 10s), 1u);
  // A minute later one line says how many came since the last.
  EXPECT_EQ(log.note(RefusalReason::per_address_limit, "127.0.0.2", t0 + 61s), 1000u);
  EXPECT_EQ(log.count(RefusalReason::per_address_limit), 1002u);
  EXPECT_EQ(log.count(RefusalReason::header_timeout), 1u);
  EXPECT_EQ(log.count(RefusalReason::unknown_host), 0u);
  EXPECT_EQ(to_string(RefusalReason::websocket_too_slow), "websocket_too_slow");
}

// The request that smuggled a second one past the parser: POST with Transfer-Encoding: gzip and
// a body that was read as "GET /gate/shop/us-east-1".
TEST(FramingProblem, TransferEncodingMustEndWithChunkedOnce) {
  EXPECT_EQ(framing_problem({}, true), std::nullopt);
  EXPECT_EQ(framing_problem({}, false), std::nullopt);
  EXPECT_EQ(framing_problem({"chunked"}, false), std::nullopt);
  EXPECT_EQ(framing_problem({"gzip, Chunked"}, false), std::nullopt);
  EXPECT_EQ(framing_problem({"gzip", "chunked"}, false), std::nullopt);  // two fields, one list
  EXPECT_THAT(framing_problem({"gzip"}, false), testing::Optional(testing::HasSubstr("must end with chunked")));
  EXPECT_THAT(framing_problem({"identity"}, false), testing::Optional(testing::HasSubstr("must end with chunked")));
  EXPECT_THAT(framing_problem({"chunked, gzip"}, false), testing::Optional(testing::HasSubstr("must end with chunked")));
  EXPECT_THAT(framing_problem({"chunked", "chunked"}, false), testing::Optional(testing::HasSubstr("more than once")));
  EXPECT_THAT(framing_problem({""}, false), testing::Optional(testing::HasSubstr("must end with chunked")));
  EXPECT_THAT(framing_problem({"chunked"}, true), testing::Optional(testing::HasSubstr("both")));
}

// A page on evil.example whose name is rebound to 127.0.0.1 sends Host: evil.example:8080.
TEST(HostAllowlist, IpLiteralsLocalhostTheListenAddressAndConfiguredNames) {
  const HostAllowlist hosts("0.0.0.0", {"dash.example.com"});
  for (const char* host : {"127.0.0.1:8080", "127.0.0.1", "[::1]:8080", "[::1]", "192.0.2.7:80", "localhost:8080",
                           "LOCALHOST", "dash.example.com", "Dash.Example.COM:8443", "dash.example.com.", ""})
    EXPECT_TRUE(hosts.allows(host)) << host;
  for (const char* host : {"evil.example:8080", "evil.example", "localhost.evil.example", "127.0.0.1.evil.example",
                           "dash.example.com.evil.example", "[evil]:80"})
    EXPECT_FALSE(hosts.allows(host)) << host;
  EXPECT_TRUE(HostAllowlist("monitor.internal", {}).allows("monitor.internal:8080"));
  EXPECT_EQ(host_without_port(" [2001:DB8::1]:8080 "), "2001:db8::1");
}

TEST(OriginMatches, SchemeHostAndPortMustAllBeThisServer) {
  EXPECT_TRUE(origin_matches("http://127.0.0.1:8080", "http", "127.0.0.1:8080"));
  EXPECT_TRUE(origin_matches("HTTP://LocalHost:8080", "http", "localhost:8080"));
  EXPECT_FALSE(origin_matches("https://127.0.0.1:8080", "http", "127.0.0.1:8080"));  // the scheme counts
  EXPECT_FALSE(origin_matches("http://127.0.0.1:8080", "https", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("http://127.0.0.1:9090", "http", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("http://evil.example", "http", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("null", "http", "127.0.0.1:8080"));
  EXPECT_FALSE(origin_matches("http://", "http", ""));
}

}  // namespace
}  // namespace rg
