// Answer changes between successive probes of one endpoint. Time is passed in through started_at:
// each test narrates probes ten seconds apart, as the default interval would run them.
#include "analyze/answer_change.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

using std::chrono::seconds;

const TimePoint kStart = from_unix_us(1'764'000'000'000'000);  // any fixed instant

ProbeResult answer_at(seconds since_start, std::vector<DnsAnswer> answers) {
  ProbeResult result;
  result.endpoint_id = "api.example.com";
  result.started_at = kStart + since_start;
  result.success = true;
  result.rcode = 0;
  result.answers = std::move(answers);
  return result;
}

TEST(AnswerChange, TheSameAnswerIsNoChange) {
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
}

TEST(AnswerChange, ReorderingIsNoChange) {
  // Round-robin resolvers rotate the records on every answer.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.2", 300}, {"A", "192.0.2.1", 300}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
}

TEST(AnswerChange, ADuplicatedRecordIsNoChange) {
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.1", 300}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
}

TEST(AnswerChange, AnAddressReplacedIsReportedAsAddedAndRemoved) {
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.2", 300}, {"A", "192.0.2.9", 300}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_TRUE(change->answer_set_changed());
  EXPECT_EQ(change->added, (std::vector<DnsAnswer>{{"A", "192.0.2.9", 300}}));
  EXPECT_EQ(change->removed, (std::vector<DnsAnswer>{{"A", "192.0.2.1", 300}}));
  EXPECT_TRUE(change->ttl_changes.empty());
  EXPECT_EQ(change->description, "answer set changed: +192.0.2.9 -192.0.2.1");
}

TEST(AnswerChange, AnAddedAddressAlone) {
  const auto first = answer_at(seconds{0}, {{"AAAA", "2001:db8::1", 60}});
  const auto second = answer_at(seconds{10}, {{"AAAA", "2001:db8::1", 60}, {"AAAA", "2001:db8::2", 60}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->added.size(), 1u);
  EXPECT_TRUE(change->removed.empty());
  EXPECT_EQ(change->description, "answer set changed: +2001:db8::2");
}

TEST(AnswerChange, TheSameDataUnderAnotherTypeIsADifferentRecord) {
  const auto first = answer_at(seconds{0}, {{"CNAME", "a.example.", 300}});
  const auto second = answer_at(seconds{10}, {{"CNAME", "b.example.", 300}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  // Non-address records carry their type, as endpoint ids do.
  EXPECT_EQ(change->description, "answer set changed: +b.example./CNAME -a.example./CNAME");
}

TEST(AnswerChange, OnlyTwoSuccessfulResultsAreCompared) {
  const auto good = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}});
  auto empty = answer_at(seconds{10}, {});
  empty.success = false;
  empty.failure = FailureKind::nodata;
  // The failure itself is reported as a failure, not as "-192.0.2.1" ...
  EXPECT_EQ(compare_answers(good, empty), std::nullopt);
  // ... and neither is the recovery.
  EXPECT_EQ(compare_answers(empty, answer_at(seconds{20}, {{"A", "192.0.2.1", 300}})), std::nullopt);
}

// --- TTLs -----------------------------------------------------------------------------------

TEST(AnswerChange, AnAuthoritativeTtlLoweredIsReported) {
  // An authoritative server gives 300 every time; then the record is re-published with 60.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto third = answer_at(seconds{20}, {{"A", "192.0.2.1", 60}, {"A", "192.0.2.2", 60}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
  const auto change = compare_answers(second, third);
  ASSERT_TRUE(change.has_value());
  EXPECT_FALSE(change->answer_set_changed());
  EXPECT_EQ(change->ttl_changes,
            (std::vector<TtlChange>{{"A", "192.0.2.1", 300, 60}, {"A", "192.0.2.2", 300, 60}}));
  // Both records moved the same way: said once.
  EXPECT_EQ(change->description, "TTL 300→60");
}

TEST(AnswerChange, AnAuthoritativeTtlRaisedIsReported) {
  // 60 -> 3600 on a failover record would make a DNS failover take an hour to be seen.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 60}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 3600}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->description, "TTL 60→3600");
}

TEST(AnswerChange, ACacheCountingDownIsNotAChange) {
  // A caching resolver: 300, ten seconds later 290, then 280.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 290}});
  const auto third = answer_at(seconds{20}, {{"A", "192.0.2.1", 280}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
  EXPECT_EQ(compare_answers(second, third), std::nullopt);
  // A second's rounding either way, and a probe that took a while, are within the slack.
  EXPECT_EQ(compare_answers(second, answer_at(seconds{20}, {{"A", "192.0.2.1", 278}})), std::nullopt);
  // But 290 -> 270 in ten seconds is faster than any cache counts: the TTL was lowered.
  const auto change = compare_answers(second, answer_at(seconds{20}, {{"A", "192.0.2.1", 270}}));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->description, "TTL 290→270");
}

TEST(AnswerChange, ACacheRefetchingAnExpiredCopyIsNotAChange) {
  // The cached copy had 6 s left; ten seconds later it has expired and been fetched again.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 6}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 300}});
  EXPECT_EQ(compare_answers(first, second), std::nullopt);
  // Same with a copy about to expire, within the slack (12 s left, 10 s later: 2 s, maybe 0).
  EXPECT_EQ(compare_answers(answer_at(seconds{0}, {{"A", "192.0.2.1", 12}}),
                            answer_at(seconds{10}, {{"A", "192.0.2.1", 300}})),
            std::nullopt);
}

TEST(AnswerChange, AHigherTtlWhileTheCopyIsStillFreshIsReported) {
  // 100 s left, ten seconds later the copy should have 90: 300 means the TTL went up.
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 100}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 300}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->description, "TTL 100→300");
}

TEST(AnswerChange, TtlsShorterThanTheIntervalAreNeverReported) {
  // Refetched at every probe anyway; 5 -> 30 cannot be told from a refetch.
  EXPECT_EQ(compare_answers(answer_at(seconds{0}, {{"A", "192.0.2.1", 5}}),
                            answer_at(seconds{10}, {{"A", "192.0.2.1", 30}})),
            std::nullopt);
}

TEST(AnswerChange, ASetChangeAndATtlChangeAreDescribedTogether) {
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"A", "192.0.2.2", 300}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.2", 60}, {"A", "192.0.2.3", 60}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->description, "answer set changed: +192.0.2.3 -192.0.2.1; TTL 300→60");
  EXPECT_EQ(change->ttl_changes, (std::vector<TtlChange>{{"A", "192.0.2.2", 300, 60}}));
}

TEST(AnswerChange, DifferentTtlMovesAreEachDescribed) {
  const auto first = answer_at(seconds{0}, {{"A", "192.0.2.1", 300}, {"CNAME", "lb.example.", 3600}});
  const auto second = answer_at(seconds{10}, {{"A", "192.0.2.1", 60}, {"CNAME", "lb.example.", 60}});
  const auto change = compare_answers(first, second);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->description, "TTL 300→60, 3600→60");
}

TEST(AnswerChange, WithoutTimeBetweenTheProbesOnlyTheSlackApplies) {
  // Two results with the same started_at (e.g. two vantage points compared): 300 vs 299 is
  // rounding, 300 vs 200 is a different TTL.
  EXPECT_EQ(compare_answers(answer_at(seconds{0}, {{"A", "192.0.2.1", 300}}),
                            answer_at(seconds{0}, {{"A", "192.0.2.1", 299}})),
            std::nullopt);
  EXPECT_TRUE(compare_answers(answer_at(seconds{0}, {{"A", "192.0.2.1", 300}}),
                              answer_at(seconds{0}, {{"A", "192.0.2.1", 200}}))
                  .has_value());
}

}  // namespace
}  // namespace rg
