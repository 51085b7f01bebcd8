// The store survives its process being killed at any moment: a child process appends batches as
// fast as it can and is SIGKILLed at a random time, five times over. After each kill the file
// must pass integrity_check, open without error, hold only whole batches, and still hold every
// row that any earlier child stored.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr int kBatchRows = 37;  // an odd size, so torn batches cannot add up to whole ones by chance
constexpr int kKills = 5;
constexpr auto kPatience = 30s;
const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

std::string generation_endpoint(int generation) { return "crash-" + std::to_string(generation); }

// Runs in the forked child and never returns: it ends when the parent kills it. Each row of batch
// k carries "batch-k" as its error text, so the parent can check every batch is all or nothing.
[[noreturn]] void append_until_killed(const std::string& path, int generation) {
  try {
    auto store = SqliteStore::open(path);
    if (!store) _exit(2);
    std::vector<Observation> batch(kBatchRows);
    for (std::int64_t k = 0;; ++k) {
      for (int i = 0; i < kBatchRows; ++i) {
        ProbeResult& row = batch[i].result;
        row.endpoint_id = generation_endpoint(generation);
        row.started_at = kNewYear + std::chrono::microseconds(k * kBatchRows + i);
        row.success = i % 5 != 0;
        row.answers = {{"A", "192.0.2." + std::to_string(i), 60}};
        row.error = "batch-" + std::to_string(k);
      }
      if (!(*store)->append(batch)) _exit(3);
    }
  } catch (...) {
    _exit(4);
  }
}

// fork() copies only the calling thread; a child of a multi-threaded parent could inherit a lock
// (malloc's, SQLite's) held forever by a thread that does not exist in it.
int thread_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) ++count;
  return count;
}

// Short-lived connections only: none may be open across the next fork() (SQLite's rule), and
// each one also exercises recovery of the dead child's WAL.
class RawDatabase {
 public:
  explicit RawDatabase(const std::filesystem::path& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // The first column of the first row, as text; the error message when the query fails.
  std::string query(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      value = std::string("error: ") + sqlite3_errmsg(db_);
    } else if (const int rc = sqlite3_step(statement); rc == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      value = text ? text : "";
    } else if (rc != SQLITE_DONE) {
      value = std::string("error: ") + sqlite3_errmsg(db_);
    }
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Rows stored so far; 0 before the first child has created the table.
std::int64_t count_rows(const std::filesystem::path& path, const std::string& where = "1") {
  const std::string count = RawDatabase(path).query("SELECT count(*) FROM observations WHERE " + where);
  return count.starts_with("error") ? 0 : std::stoll(count);
}

// Waits until the child has stored more than `rows` rows. Returns the count it saw.
std::int64_t wait_for_more_rows(const std::filesystem::path& path, std::int64_t rows, pid_t child) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto now_stored = count_rows(path); now_stored > rows) return now_stored;
    if (waitpid(child, nullptr, WNOHANG) == child) return -1;  // the child exited on its own
    std::this_thread::sleep_for(2ms);
  }
  return -1;
}

TEST(StoreCrash, KilledWritersLoseNoCommittedBatchAndLeaveNoTornOne) {
  test::TempDir dir("rg-store-crash-");
  const std::filesystem::path path = dir.path() / "history.db";
  const auto seed = std::random_device{}();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> kill_after_ms(0, 40);
  SCOPED_TRACE("random seed " + std::to_string(seed));

  std::vector<std::int64_t> rows_of_generation;
  std::int64_t stored = 0;
  for (int generation = 0; generation < kKills; ++generation) {
    SCOPED_TRACE("kill " + std::to_string(generation + 1));
    ASSERT_EQ(thread_count(), 1) << "fork() needs a single-threaded parent; run this test on its own "
                                    "(ctest does; or --gtest_filter='StoreCrash.*')";
    const pid_t child = fork();
    ASSERT_GE(child, 0) << "fork failed";
    if (child == 0) append_until_killed(path.string(), generation);

    const std::int64_t seen_alive = wait_for_more_rows(path, stored, child);
    const int delay_ms = kill_after_ms(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_GT(seen_alive, 0) << "the writer stored nothing, or exited by itself (status " << status << ")";
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "writer status " << status;

    EXPECT_EQ(RawDatabase(path).query("PRAGMA integrity_check"), "ok");
    const std::int64_t after = count_rows(path);
    EXPECT_EQ(after % kBatchRows, 0) << after << " rows after a kill " << delay_ms << " ms into the writes";
    EXPECT_EQ(RawDatabase(path).query("SELECT count(*) FROM (SELECT endpoint_id, error FROM observations "
                                      "GROUP BY endpoint_id, error HAVING count(*) <> " +
                                      std::to_string(kBatchRows) + ")"),
              "0")
        << "torn batches";
    EXPECT_GE(after, seen_alive) << "rows the parent saw committed were lost";
    EXPECT_GT(after, stored);
    for (int earlier = 0; earlier < generation; ++earlier) {
      EXPECT_EQ(count_rows(path, "endpoint_id = '" + generation_endpoint(earlier) + "'"), rows_of_generation[earlier])
          << "rows of writer " << earlier << " changed";
    }
    {
      auto reopened = SqliteStore::open(path.string());
      ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
      auto latest = (*reopened)->latest();
      ASSERT_TRUE(latest.has_value()) << latest.error().message;
      EXPECT_EQ(latest->size(), static_cast<std::size_t>(generation + 1));
    }
    rows_of_generation.push_back(count_rows(path, "endpoint_id = '" + generation_endpoint(generation) + "'"));
    std::cout << "kill " << generation + 1 << " after " << delay_ms << " ms: " << after << " rows ("
              << after / kBatchRows << " whole batches)\n";
    stored = after;
  }
}

}  // namespace
}  // namespace rg
