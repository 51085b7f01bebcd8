// The DNS prober against a real authoritative server (knotd) with the fault proxy in front of it.
// Each fault must come out as its own failure kind and status: this is the signal the whole
// product rests on (an empty answer for dynamodb.us-east-1 began the October 2025 outage).
#include "probe/dns_prober.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "analyze/classifier.h"
#include "analyze/round_analyzer.h"
#include "dns/record_type.h"
#include "probe/probe_scheduler.h"
#include "support/dns_fault_proxy.h"
#include "support/knot_server.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using test::DnsFault;

class DnsProberTest : public testing::Test {
 protected:
  DnsProberTest()
      : knot_({.zone = "example.test.",
               .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                           {"dynamodb.us-east-1", "A", "192.0.2.11", 60},
                           {"v6", "AAAA", "2001:db8::5", 60},
                           {"alias", "CNAME", "dynamodb.us-east-1.example.test.", 60},
                           {"text-only", "TXT", "\"no address here\"", 60}},
               .update_key = std::nullopt}),
        proxy_(knot_.address(), knot_.port()) {}

  EndpointConfig endpoint(std::string hostname, std::string type = "A") {
    EndpointConfig e;
    e.id = hostname;
    e.hostname = std::move(hostname);
    e.service = "dynamodb";
    e.region = "us-east-1";
    e.dns.record_type = RecordType{dns::record_type_code(type), type};
    e.dns.resolvers = {NetworkAddress{proxy_.address(), proxy_.port()}};
    e.timeout = 1000ms;
    e.interval = 5000ms;
    return e;
  }

  ProbeResult probe(const EndpointConfig& e) {
    boost::asio::io_context io;
    DnsProber prober(io);
    std::optional<ProbeResult> result;
    prober.start(e, [&](ProbeResult r) {
      result = std::move(r);
      io.stop();
    });
    io.run_for(10s);
    if (!result) ADD_FAILURE() << "the prober never reported";
    return result.value_or(ProbeResult{});
  }

  HealthStatus status_of(const ProbeResult& result) { return classify(result, Thresholds{100ms, 200ms}); }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

TEST_F(DnsProberTest, AHealthyNameResolvesWithItsAddressesAndTtl) {
  const auto result = probe(endpoint("dynamodb.us-east-1.example.test"));
  EXPECT_TRUE(result.success) << result.error;
  EXPECT_EQ(result.failure, FailureKind::none);
  EXPECT_EQ(result.rcode, 0);
  EXPECT_FALSE(result.used_tcp);
  ASSERT_EQ(result.answers.size(), 2u);
  std::set<std::string> addresses{result.answers[0].data, result.answers[1].data};
  EXPECT_EQ(addresses, (std::set<std::string>{"192.0.2.10", "192.0.2.11"}));
  EXPECT_EQ(result.answers[0].ttl, 60u);
  EXPECT_GT(result.latency.count(), 0);
  EXPECT_LT(result.latency, 100ms);
  EXPECT_EQ(status_of(result), HealthStatus::healthy);
}

TEST_F(DnsProberTest, OtherRecordTypes) {
  const auto v6 = probe(endpoint("v6.example.test", "AAAA"));
  ASSERT_TRUE(v6.success) << v6.error;
  EXPECT_EQ(v6.answers.at(0), (DnsAnswer{"AAAA", "2001:db8::5", 60}));
  const auto alias = probe(endpoint("alias.example.test", "CNAME"));
  ASSERT_TRUE(alias.success) << alias.error;
  EXPECT_EQ(alias.answers.at(0), (DnsAnswer{"CNAME", "dynamodb.us-east-1.example.test.", 60}));
}

TEST_F(DnsProberTest, AnAuthoritativeNameWithoutThatTypeIsNodata) {
  // knotd itself answers NOERROR with no A records: no proxy trick needed for this one.
  const auto result = probe(endpoint("text-only.example.test"));
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::nodata);
  EXPECT_EQ(result.rcode, 0);
  EXPECT_EQ(status_of(result), HealthStatus::critical);
}

TEST_F(DnsProberTest, AnUnknownNameIsNxdomainFromKnot) {
  const auto result = probe(endpoint("missing.example.test"));
  EXPECT_EQ(result.failure, FailureKind::nxdomain);
  EXPECT_EQ(result.rcode, 3);
}

struct FaultCase {
  DnsFault fault;
  FailureKind expected;
  int rcode;
};

class DnsProberFaults : public DnsProberTest, public testing::WithParamInterface<FaultCase> {};

TEST_P(DnsProberFaults, EachFaultIsItsOwnFailureKindAndCritical) {
  const auto& c = GetParam();
  proxy_.set_fault_for("dynamodb.us-east-1.example.test", c.fault);
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.timeout = 400ms;
  const auto result = probe(e);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, c.expected) << "got " << to_string(result.failure) << ": " << result.error;
  EXPECT_EQ(result.rcode, c.rcode);
  EXPECT_TRUE(result.answers.empty());
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(status_of(result), HealthStatus::critical);
}

INSTANTIATE_TEST_SUITE_P(Proxy, DnsProberFaults,
                         testing::Values(FaultCase{DnsFault::servfail, FailureKind::servfail, 2},
                                         FaultCase{DnsFault::nxdomain, FailureKind::nxdomain, 3},
                                         FaultCase{DnsFault::nodata, FailureKind::nodata, 0},
                                         FaultCase{DnsFault::refused, FailureKind::refused, 5},
                                         FaultCase{DnsFault::malformed, FailureKind::malformed, -1},
                                         FaultCase{DnsFault::drop, FailureKind::timeout, -1}),
                         [](const testing::TestParamInfo<FaultCase>& fault_case) {
                           return std::string(test::to_string(fault_case.param.fault));
                         });

TEST_F(DnsProberTest, ADropTakesTheWholeTimeoutAndNoLonger) {
  proxy_.set_fault(DnsFault::drop);
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.timeout = 300ms;
  const auto result = probe(e);
  EXPECT_EQ(result.failure, FailureKind::timeout);
  EXPECT_GE(result.latency, 300ms);
  EXPECT_LT(result.latency, 1500ms);  // generous: CI runs tests in parallel on two cores
}

TEST_F(DnsProberTest, DelayShowsUpAsLatencyAndStatus) {
  // Wide bands so that a loaded CI machine cannot push a delay across a boundary.
  const Thresholds bands{100ms, 1000ms};
  proxy_.set_fault(DnsFault::delay, 150ms);
  const auto slow = probe(endpoint("dynamodb.us-east-1.example.test"));
  EXPECT_TRUE(slow.success) << slow.error;
  EXPECT_GE(slow.latency, 150ms);
  EXPECT_EQ(classify(slow, bands), HealthStatus::warning);

  proxy_.set_fault(DnsFault::delay, 1100ms);
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.timeout = 3000ms;
  const auto slower = probe(e);
  EXPECT_TRUE(slower.success) << slower.error;
  EXPECT_EQ(classify(slower, bands), HealthStatus::critical);  // answered, but slower than the warning band
}

TEST_F(DnsProberTest, ATruncatedAnswerIsRetriedOverTcp) {
  proxy_.set_fault(DnsFault::truncate);
  const auto result = probe(endpoint("dynamodb.us-east-1.example.test"));
  EXPECT_TRUE(result.success) << result.error;
  EXPECT_TRUE(result.used_tcp);
  EXPECT_EQ(result.answers.size(), 2u);
  EXPECT_EQ(proxy_.tcp_queries_seen(), 1u);
}

TEST_F(DnsProberTest, WithoutTcpFallbackATruncatedEmptyAnswerFails) {
  proxy_.set_fault(DnsFault::truncate);
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.dns.tcp_fallback = false;
  const auto result = probe(e);
  EXPECT_EQ(result.failure, FailureKind::nodata);
  EXPECT_FALSE(result.used_tcp);
  EXPECT_EQ(proxy_.tcp_queries_seen(), 0u);
}

TEST_F(DnsProberTest, NothingListeningIsANetworkFailureOrTimeout) {
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.dns.resolvers = {NetworkAddress{"127.0.0.1", 9}};  // discard port: nothing listens on loopback
  e.timeout = 3000ms;
  const auto result = probe(e);
  EXPECT_FALSE(result.success);
  // Linux reports ICMP port-unreachable to the UDP socket, so this is quick and named `network`.
  EXPECT_EQ(result.failure, FailureKind::network) << result.error;
  EXPECT_LT(result.latency, 2000ms);  // well before the timeout
}

TEST_F(DnsProberTest, AnswerChecks) {
  auto e = endpoint("dynamodb.us-east-1.example.test");
  e.dns.expected_addresses = {*parse_cidr("192.0.2.0/28")};
  EXPECT_TRUE(probe(e).success);
  e.dns.expected_addresses = {*parse_cidr("192.0.2.10")};
  const auto mismatch = probe(e);
  EXPECT_EQ(mismatch.failure, FailureKind::answer_mismatch);
  EXPECT_EQ(mismatch.error, "192.0.2.11 is not in the expected addresses");
  e.dns.expected_addresses.clear();
  e.dns.min_answers = 3;
  EXPECT_EQ(probe(e).failure, FailureKind::too_few_answers);
}

TEST_F(DnsProberTest, AFaultOnOneNameLeavesTheOthersAlone) {
  proxy_.set_fault_for("dynamodb.us-east-1.example.test", DnsFault::servfail);
  EXPECT_EQ(probe(endpoint("dynamodb.us-east-1.example.test")).failure, FailureKind::servfail);
  EXPECT_TRUE(probe(endpoint("v6.example.test", "AAAA")).success);
}

TEST_F(DnsProberTest, TheSchedulerRunsThousandsOfProbesConcurrentlyOnOneThread) {
  std::vector<test::ZoneRecord> records;
  for (int i = 0; i < 2000; ++i) records.push_back({"n" + std::to_string(i), "A", "198.51.100.1", 60});
  knot_.replace_records(records);
  std::vector<EndpointConfig> endpoints;
  for (int i = 0; i < 2000; ++i) {
    auto e = endpoint("n" + std::to_string(i) + ".example.test");
    e.dns.resolvers = {NetworkAddress{knot_.address(), knot_.port()}};
    e.timeout = 3000ms;
    endpoints.push_back(e);
  }
  boost::asio::io_context io;
  DnsProber prober(io);
  ProbeScheduler scheduler(io, endpoints, ProbeScheduler::Options{200ms, 42});
  scheduler.register_prober(ProbeKind::dns, prober);
  std::optional<ProbeRound> round;
  scheduler.run_once([&](ProbeRound&& r) {
    round = std::move(r);
    io.stop();
  });
  io.run_for(20s);
  ASSERT_TRUE(round);
  ASSERT_EQ(round->results.size(), 2000u);
  std::size_t successes = 0;
  for (std::size_t i = 0; i < round->results.size(); ++i) {
    EXPECT_EQ(round->results[i].endpoint_id, endpoints[i].id);  // results come back in endpoint order
    successes += round->results[i].success ? 1 : 0;
  }
  EXPECT_EQ(successes, 2000u);
}

TEST_F(DnsProberTest, AnAnswerChangeBetweenRoundsIsReportedAsAnEvent) {
  Config config;
  config.regions = {"us-east-1"};
  config.services = {ServiceConfig{"dynamodb", "DYNAMODB", Priority::critical, Thresholds{50ms, 100ms}, {}}};
  config.endpoints = {endpoint("dynamodb.us-east-1.example.test")};
  config.endpoints[0].dns.resolvers = {NetworkAddress{knot_.address(), knot_.port()}};
  RoundAnalyzer analyzer(config);
  auto first = analyzer.analyze({probe(config.endpoints[0])});
  EXPECT_TRUE(first.events.empty());

  knot_.replace_records({{"dynamodb.us-east-1", "A", "192.0.2.10", 60}, {"dynamodb.us-east-1", "A", "192.0.2.99", 60}});
  auto second = analyzer.analyze({probe(config.endpoints[0])});
  ASSERT_EQ(second.events.size(), 1u);
  EXPECT_EQ(second.events[0].kind, EndpointEvent::Kind::answer_changed);
  EXPECT_NE(second.events[0].message.find("+192.0.2.99"), std::string::npos) << second.events[0].message;
  EXPECT_NE(second.events[0].message.find("-192.0.2.11"), std::string::npos) << second.events[0].message;
}

}  // namespace
}  // namespace rg
