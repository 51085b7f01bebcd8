#include "store/sqlite_handles.h"

#include <utility>

namespace rg::sqlite {
namespace {

// The start of a statement's SQL on one line, enough to tell which statement failed.
std::string summarize(std::string_view sql) {
  constexpr std::size_t kShown = 48;
  std::string out;
  for (const char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
    if (out.size() == kShown) return out + "...";
  }
  return out;
}

}  // namespace

StoreError error_from(sqlite3* db, int rc, std::string_view what) {
  const auto code = (rc & 0xff) == SQLITE_CONSTRAINT ? StoreError::Code::constraint : StoreError::Code::io;
  // sqlite3_errmsg describes the most recent failure on the connection; fall back to the generic
  // text of the code when there is no connection (e.g. allocation failure in open).
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return StoreError{code, std::string(what) + ": " + detail};
}

StoreResult<void> exec(sqlite3* db, const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error_from(db, rc, what));
  return {};
}

StoreResult<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  Statement statement;
  statement.stmt_.reset(raw);
  if (rc != SQLITE_OK) return std::unexpected(error_from(db, rc, "preparing `" + summarize(sql) + "`"));
  return statement;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC: the caller's buffer outlives the step() that reads it. The explicit length
  // keeps any byte, NUL included.
  const int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_.get(), index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_.get(), index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

StoreResult<bool> Statement::step() {
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  if (bind_rc_ != SQLITE_OK) return std::unexpected(error_from(db, bind_rc_, "binding parameters"));
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(error_from(db, rc, "running `" + summarize(sqlite3_sql(stmt_.get())) + "`"));
}

std::string Statement::text(int column) const {
  // sqlite3_column_text before sqlite3_column_bytes: the documented order for a correct length.
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  if (data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

void Statement::reset() noexcept {
  if (!stmt_) return;
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_rc_ = SQLITE_OK;
}

StoreResult<Transaction> Transaction::begin(sqlite3* db) {
  if (auto started = exec(db, "BEGIN IMMEDIATE", "starting a write transaction"); !started) {
    return std::unexpected(started.error());
  }
  return Transaction(db);
}

StoreResult<void> Transaction::commit() {
  if (auto committed = exec(db_, "COMMIT", "committing"); !committed) return committed;  // destructor rolls back
  db_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  // A failed statement may already have rolled the transaction back (SQLite does so on some
  // errors); only roll back what is still open.
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

StoreResult<Connection> open_connection(const std::string& path, int flags, std::string_view what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);  // a handle comes back even on failure and must be closed
  if (rc != SQLITE_OK) return std::unexpected(error_from(raw, rc, what));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

}  // namespace rg::sqlite
