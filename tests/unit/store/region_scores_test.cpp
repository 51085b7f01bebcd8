// Region health scores in SQLite (schema version 4): written, read back by region and time,
// replaced for the same round, refused when out of range, and expired with the raw rows.
#include <gtest/gtest.h>

#include "store/details_codec.h"
#include "store/sqlite_store.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

std::unique_ptr<SqliteStore> open_memory() {
  auto store = SqliteStore::open(":memory:");
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(*store);
}

TEST(RegionScores, RoundTripByRegionAndTime) {
  auto store = open_memory();
  const std::vector<RegionScoreRecord> scores{
      {"us-east-1", kNewYear, 82.5, 100, std::nullopt, 56.25},
      {"us-west-2", kNewYear, 100, 100, 100, 100},
      {"us-east-1", kNewYear + 10s, 40, 50, std::nullopt, 0},
  };
  ASSERT_TRUE(store->append_region_scores(scores));
  const auto east = store->region_scores("us-east-1", kNewYear, kNewYear + 1min);
  ASSERT_TRUE(east) << east.error().message;
  EXPECT_EQ(*east, (std::vector<RegionScoreRecord>{scores[0], scores[2]}));
  const auto first_only = store->region_scores("us-east-1", kNewYear, kNewYear + 10s);  // `to` is exclusive
  ASSERT_TRUE(first_only);
  EXPECT_EQ(first_only->size(), 1u);

  // The same round again replaces, rather than doubling the round.
  ASSERT_TRUE(store->append_region_scores(std::vector<RegionScoreRecord>{{"us-east-1", kNewYear, 90, 90, std::nullopt, std::nullopt}}));
  const auto replaced = store->region_scores("us-east-1", kNewYear, kNewYear + 1s);
  ASSERT_TRUE(replaced);
  ASSERT_EQ(replaced->size(), 1u);
  EXPECT_EQ((*replaced)[0].score, 90);
  EXPECT_FALSE((*replaced)[0].resources);
}

TEST(RegionScores, AnOutOfRangeScoreRefusesTheWholeBatch) {
  auto store = open_memory();
  const auto refused = store->append_region_scores(std::vector<RegionScoreRecord>{
      {"us-east-1", kNewYear, 50, std::nullopt, std::nullopt, std::nullopt},
      {"us-east-1", kNewYear + 1s, 101, std::nullopt, std::nullopt, std::nullopt}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreError::Code::bad_argument);
  EXPECT_TRUE(store->region_scores("us-east-1", kNewYear, kNewYear + 1h)->empty());
}

TEST(RegionScores, RetentionDeletesThemWithTheRawRows) {
  auto store = open_memory();
  ASSERT_TRUE(store->append_region_scores(std::vector<RegionScoreRecord>{
      {"us-east-1", kNewYear, 70, std::nullopt, std::nullopt, std::nullopt},
      {"us-east-1", kNewYear + 48h, 80, std::nullopt, std::nullopt, std::nullopt}}));
  ASSERT_TRUE(store->apply_retention(kNewYear + 72h, 24h * 2, 24h * 90));
  const auto kept = store->region_scores("us-east-1", kNewYear, kNewYear + 100h);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].score, 80);
}

// An AWS check's counts survive the details column.
TEST(RegionScores, ResourceDetailsRoundTripThroughTheDetailsColumn) {
  ProbeResult result;
  result.resource = ResourceDetails{"running", 2, 3, 1, 4.5};
  const auto text = encode_details(result);
  ASSERT_TRUE(text);
  ProbeResult decoded;
  ASSERT_TRUE(decode_details(*text, decoded));
  EXPECT_EQ(decoded.resource, result.resource);
}

}  // namespace
}  // namespace rg
