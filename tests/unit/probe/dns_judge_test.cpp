// judge_dns_answer: how a finished query becomes success or a named failure. The real servers
// and the fault proxy exercise the same paths end to end in tests/integration/dns_prober_test.cpp;
// here each rule is pinned on its own.
#include <ares.h>
#include <gtest/gtest.h>

#include "probe/dns_prober.h"
#include "support/dns_wire.h"

namespace rg {
namespace {

namespace dns = rg::test::dns;

dns::Bytes answer(std::uint8_t rcode, std::vector<std::array<std::uint8_t, 4>> addresses, bool truncated = false) {
  dns::Message m;
  m.header.id = 7;
  m.header.flags = static_cast<std::uint16_t>(dns::flag_qr | dns::flag_rd | dns::flag_ra | rcode |
                                              (truncated ? dns::flag_tc : 0));
  m.questions.push_back({"svc.example.test.", dns::type_a, dns::class_in});
  for (const auto& a : addresses)
    m.answers.push_back({"svc.example.test.", dns::type_a, dns::class_in, 60, dns::Bytes(a.begin(), a.end())});
  return dns::serialize(m);
}

ProbeResult judge(const DnsProbeOptions& options, int status, const dns::Bytes& packet) {
  ProbeResult result;
  judge_dns_answer(options, status, packet, result);
  return result;
}

TEST(DnsJudge, AnAnswerWithRecordsIsASuccess) {
  const auto result = judge({}, ARES_SUCCESS, answer(0, {{192, 0, 2, 1}}));
  EXPECT_TRUE(result.success);
  EXPECT_EQ(result.failure, FailureKind::none);
  EXPECT_EQ(result.rcode, 0);
  ASSERT_EQ(result.answers.size(), 1u);
  EXPECT_EQ(result.answers[0].data, "192.0.2.1");
}

TEST(DnsJudge, NoerrorWithoutRecordsIsNodataAFailure) {
  // What dynamodb.us-east-1.amazonaws.com returned in October 2025. blackbox_exporter counts it
  // as success by default; we do not.
  const auto result = judge({}, ARES_SUCCESS, answer(0, {}));
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::nodata);
  EXPECT_EQ(result.error, "NOERROR with no A records");
}

TEST(DnsJudge, MinAnswersZeroAcceptsAnEmptyAnswer) {
  DnsProbeOptions options;
  options.min_answers = 0;
  EXPECT_TRUE(judge(options, ARES_SUCCESS, answer(0, {})).success);
}

TEST(DnsJudge, RcodesHaveTheirNames) {
  EXPECT_EQ(judge({}, ARES_SUCCESS, answer(2, {})).failure, FailureKind::servfail);
  EXPECT_EQ(judge({}, ARES_SUCCESS, answer(3, {})).failure, FailureKind::nxdomain);
  EXPECT_EQ(judge({}, ARES_SUCCESS, answer(5, {})).failure, FailureKind::refused);
  EXPECT_EQ(judge({}, ARES_SUCCESS, answer(4, {})).failure, FailureKind::malformed);
  const auto servfail = judge({}, ARES_SUCCESS, answer(2, {}));
  EXPECT_EQ(servfail.rcode, 2);
  EXPECT_EQ(servfail.error, "SERVFAIL (2)");
}

TEST(DnsJudge, TransportOutcomesHaveTheirNames) {
  EXPECT_EQ(judge({}, ARES_ETIMEOUT, {}).failure, FailureKind::timeout);
  EXPECT_EQ(judge({}, ARES_ECONNREFUSED, {}).failure, FailureKind::network);
  EXPECT_EQ(judge({}, ARES_EBADRESP, {}).failure, FailureKind::malformed);
  EXPECT_EQ(judge({}, ARES_ETIMEOUT, {}).rcode, -1);
}

TEST(DnsJudge, AGarbledAnswerIsMalformedWithTheReason) {
  auto packet = answer(0, {{192, 0, 2, 1}});
  packet.resize(packet.size() - 2);  // cut the address short
  const auto result = judge({}, ARES_SUCCESS, packet);
  EXPECT_EQ(result.failure, FailureKind::malformed);
  EXPECT_EQ(result.error, "malformed response: answer 1: record data runs past the end");
}

TEST(DnsJudge, FewerRecordsThanMinAnswers) {
  DnsProbeOptions options;
  options.min_answers = 2;
  const auto result = judge(options, ARES_SUCCESS, answer(0, {{192, 0, 2, 1}}));
  EXPECT_EQ(result.failure, FailureKind::too_few_answers);
  EXPECT_EQ(result.error, "1 A records, expected at least 2");
  EXPECT_TRUE(judge(options, ARES_SUCCESS, answer(0, {{192, 0, 2, 1}, {192, 0, 2, 2}})).success);
}

TEST(DnsJudge, AddressesOutsideTheExpectedRangesAreAMismatch) {
  DnsProbeOptions options;
  options.expected_addresses = {*parse_cidr("192.0.2.0/24")};
  EXPECT_TRUE(judge(options, ARES_SUCCESS, answer(0, {{192, 0, 2, 1}, {192, 0, 2, 200}})).success);
  const auto result = judge(options, ARES_SUCCESS, answer(0, {{192, 0, 2, 1}, {198, 51, 100, 7}}));
  EXPECT_EQ(result.failure, FailureKind::answer_mismatch);
  EXPECT_EQ(result.error, "198.51.100.7 is not in the expected addresses");
}

TEST(DnsJudge, ATruncatedEmptyAnswerWithoutFallbackIsNodata) {
  DnsProbeOptions options;
  options.tcp_fallback = false;
  const auto result = judge(options, ARES_SUCCESS, answer(0, {}, /*truncated=*/true));
  EXPECT_EQ(result.failure, FailureKind::nodata);
  EXPECT_EQ(result.error, "truncated answer with no A records and TCP fallback off");
}

}  // namespace
}  // namespace rg
