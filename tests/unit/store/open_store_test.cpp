// The one opener: each access mode opens the parts its callers use, and only read_write and
// maintenance may create or migrate the file.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/open_store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

class OpenStoreTest : public ::testing::Test {
 protected:
  StoreConfig config() const {
    StoreConfig store;
    store.path = (dir_.path() / "history.db").string();
    return store;
  }
  test::TempDir dir_;
};

TEST_F(OpenStoreTest, ReadWriteCreatesTheFileAndOpensHistoryAlertsAndJournal) {
  auto opened = open_store(config(), StoreAccess::read_write);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(std::filesystem::exists(config().path));
  ASSERT_NE(opened->history, nullptr);
  ASSERT_NE(opened->alerts, nullptr);
  ASSERT_NE(opened->journal, nullptr);
  // Every part is usable at once: the file already has every table.
  EXPECT_TRUE(opened->history->latest());
  EXPECT_TRUE(opened->alerts->load());
  EXPECT_TRUE(opened->journal->plans("shop", 10));
}

TEST_F(OpenStoreTest, ReadOnlyNeverCreatesAFile) {
  auto opened = open_store(config(), StoreAccess::read_only);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, StoreError::Code::open_failed);
  EXPECT_FALSE(std::filesystem::exists(config().path));
}

TEST_F(OpenStoreTest, ReadOnlyOpensTheHistoryTheWriterCreatedAndWritesNothing) {
  auto writer = open_store(config(), StoreAccess::read_write);
  ASSERT_TRUE(writer) << writer.error().message;
  Observation observation;
  observation.result.endpoint_id = "api";
  observation.result.started_at = t0;
  ASSERT_TRUE(writer->history->append(std::span(&observation, 1)));

  auto reader = open_store(config(), StoreAccess::read_only);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(reader->alerts, nullptr);
  EXPECT_EQ(reader->journal, nullptr);
  EXPECT_EQ(reader->history->latest().value().size(), 1u);
  EXPECT_FALSE(reader->history->append(std::span(&observation, 1)));
}

TEST_F(OpenStoreTest, MaintenanceCreatesTheFileAndOpensTheHistoryOnly) {
  auto opened = open_store(config(), StoreAccess::maintenance);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(std::filesystem::exists(config().path));
  EXPECT_EQ(opened->alerts, nullptr);
  EXPECT_EQ(opened->journal, nullptr);
  EXPECT_TRUE(opened->history->apply_retention(t0, std::chrono::hours(24), std::chrono::hours(48)));
}

}  // namespace
}  // namespace rg
