// SqliteStore's region health scores (schema version 4), kept apart from the observation queries.
// The statements are prepared per call: scores are written once per round and read rarely.
#include "store/sqlite_store.h"

namespace rg {

namespace {

using sqlite::Statement;
using sqlite::Transaction;

constexpr const char* kInsertScoreSql = R"sql(
INSERT OR REPLACE INTO region_scores (region, at, score, dns, endpoints, resources)
VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql";

constexpr const char* kSelectScoresSql = R"sql(
SELECT region, at, score, dns, endpoints, resources FROM region_scores
WHERE region = ?1 AND at >= ?2 AND at < ?3
ORDER BY at)sql";

constexpr const char* kDeleteScoresSql = "DELETE FROM region_scores WHERE at < ?1";

void bind_optional(Statement& statement, int index, const std::optional<double>& value) {
  if (value) statement.bind_real(index, *value);
  else statement.bind_null(index);
}

std::optional<double> optional_real(const Statement& statement, int column) {
  return statement.is_null(column) ? std::nullopt : std::optional(statement.real(column));
}

}  // namespace

StoreResult<void> SqliteStore::append_region_scores(std::span<const RegionScoreRecord> scores) {
  if (scores.empty()) return {};
  std::lock_guard lock(mutex_);
  auto insert = Statement::prepare(db_.get(), kInsertScoreSql);
  if (!insert) return std::unexpected(insert.error());
  auto transaction = Transaction::begin(db_.get());
  if (!transaction) return std::unexpected(transaction.error());
  for (const auto& score : scores) {
    if (score.region.empty() || !(score.score >= 0 && score.score <= 100))  // NaN fails too
      return std::unexpected(StoreError{StoreError::Code::bad_argument, "region score needs a region and 0-100"});
    auto run = insert->run();
    insert->bind(1, score.region).bind(2, to_unix_us(score.at)).bind_real(3, score.score);
    bind_optional(*insert, 4, score.dns);
    bind_optional(*insert, 5, score.endpoints);
    bind_optional(*insert, 6, score.resources);
    if (auto done = insert->step(); !done) return std::unexpected(done.error());
  }
  return transaction->commit();
}

StoreResult<std::vector<RegionScoreRecord>> SqliteStore::region_scores(const std::string& region, TimePoint from,
                                                                       TimePoint to) {
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(db_.get(), kSelectScoresSql);
  if (!select) return std::unexpected(select.error());
  auto run = select->run();
  select->bind(1, region).bind(2, to_unix_us(from)).bind(3, to_unix_us(to));
  std::vector<RegionScoreRecord> rows;
  while (true) {
    auto has_row = select->step();
    if (!has_row) return std::unexpected(has_row.error());
    if (!*has_row) return rows;
    rows.push_back(RegionScoreRecord{select->text(0), from_unix_us(select->int64(1)), select->real(2),
                                     optional_real(*select, 3), optional_real(*select, 4), optional_real(*select, 5)});
  }
}

StoreResult<void> SqliteStore::delete_region_scores_before(std::int64_t cutoff_us) {
  auto remove = Statement::prepare(db_.get(), kDeleteScoresSql);
  if (!remove) return std::unexpected(remove.error());
  auto run = remove->run();
  remove->bind(1, cutoff_us);
  if (auto done = remove->step(); !done) return std::unexpected(done.error());
  return {};
}

}  // namespace rg
