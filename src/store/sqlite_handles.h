#pragma once
// RAII owners of sqlite3* and sqlite3_stmt*, a scoped write transaction, and the translation of
// SQLite result codes into StoreError. Nothing here throws.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "store/store.h"

namespace rg::sqlite {

struct CloseConnection {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

// A StoreError carrying SQLite's own message. Constraint violations keep their code; everything
// else is io. `what` says what we were doing ("appending observations").
StoreError error_from(sqlite3* db, int rc, std::string_view what);

// Runs SQL that returns no rows (may hold several statements).
StoreResult<void> exec(sqlite3* db, const char* sql, std::string_view what);

// How long a connection waits for another connection's write before failing (the BatchWriter's
// connection may be mid-batch).
inline constexpr int kBusyTimeoutMs = 5000;
// Opens a connection with `flags` (SQLITE_OPEN_NOMUTEX is added: each owner serializes its own
// calls) as every connection of the process is set up: extended result codes, busy timeout.
// `what` names it in the error ("opening the alert store").
StoreResult<Connection> open_connection(const std::string& path, int flags, std::string_view what);

class Statement {
 public:
  // Resets the statement when the scope ends. A statement left mid-run holds its read
  // transaction open, which blocks WAL checkpoints, so every use of a cached statement is scoped.
  class Run {
   public:
    explicit Run(Statement& statement) : statement_(statement) {}
    ~Run() { statement_.reset(); }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

   private:
    Statement& statement_;
  };

  Statement() = default;
  static StoreResult<Statement> prepare(sqlite3* db, std::string_view sql);

  [[nodiscard]] Run run() { return Run(*this); }

  // 1-based parameter index. A failed bind is remembered and reported by the next step(), so
  // call sites can bind a row without checking each call.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_real(int index, double value);
  Statement& bind_null(int index);

  // true: a row is ready; false: the statement has finished.
  StoreResult<bool> step();

  // Columns of the current row, 0-based.
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  std::string text(int column) const;
  double real(int column) const { return sqlite3_column_double(stmt_.get(), column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

  void reset() noexcept;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE ... COMMIT. Taking the write lock up front means a writer never fails half way
// with SQLITE_BUSY when upgrading from a read; busy_timeout covers the wait. Rolled back when it
// goes out of scope uncommitted, so every early error return leaves the database unchanged.
class Transaction {
 public:
  static StoreResult<Transaction> begin(sqlite3* db);
  StoreResult<void> commit();

  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;  // null once committed or moved from
};

}  // namespace rg::sqlite
