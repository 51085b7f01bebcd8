#pragma once
// The SQLite dialect of the store schema, one migration per version. The PostgreSQL backend keeps
// its schema in its own file when it lands; both describe the same tables.
//
// kSqliteMigrations[i] takes a database from schema version i to version i + 1 (PRAGMA
// user_version). Add a version by appending an entry; never edit one that has been released,
// because databases in the field have already applied it.
#include <array>

namespace rg::sqlite_schema {

inline constexpr std::array kSqliteMigrations{
    // Version 1: raw observations and per-minute rollups.
    R"sql(
CREATE TABLE observations (
  id           INTEGER PRIMARY KEY,
  endpoint_id  TEXT    NOT NULL CHECK (endpoint_id <> ''),
  started_at   INTEGER NOT NULL,                 -- unix microseconds
  success      INTEGER NOT NULL CHECK (success IN (0, 1)),
  status       TEXT    NOT NULL CHECK (status IN ('healthy', 'warning', 'critical')),
  failure_kind TEXT    NOT NULL,                 -- FailureKind name: 'none', 'timeout', 'nodata', ...
  latency_us   INTEGER NOT NULL,
  rcode        INTEGER NOT NULL,                 -- -1 when no answer arrived
  used_tcp     INTEGER NOT NULL CHECK (used_tcp IN (0, 1)),
  answers      TEXT    NOT NULL DEFAULT '[]',    -- JSON array of {type, data, ttl}, see answers_codec.h
  error        TEXT    NOT NULL DEFAULT ''
);
-- Range reads, uptime and latest() walk this index; its implicit rowid breaks ties.
CREATE INDEX observations_endpoint_time ON observations (endpoint_id, started_at);
-- Retention deletes by age across all endpoints.
CREATE INDEX observations_time ON observations (started_at);

CREATE TABLE minute_rollups (
  endpoint_id    TEXT    NOT NULL,
  minute         INTEGER NOT NULL,               -- unix microseconds of the minute's start
  total          INTEGER NOT NULL,
  successes      INTEGER NOT NULL,
  healthy        INTEGER NOT NULL,
  warning        INTEGER NOT NULL,
  critical       INTEGER NOT NULL,
  latency_sum_us INTEGER NOT NULL,
  latency_max_us INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, minute)
) WITHOUT ROWID;
-- Rollup retention deletes by age across all endpoints.
CREATE INDEX minute_rollups_minute ON minute_rollups (minute);
)sql",
    // Version 2: HTTP/TCP check details (status, phase timings, certificate) and probe warnings.
    R"sql(
ALTER TABLE observations ADD COLUMN details TEXT NOT NULL DEFAULT '{}';  -- JSON, see details_codec.h
)sql",
};

// The newest schema version this binary knows.
inline constexpr int kSqliteSchemaVersion = static_cast<int>(kSqliteMigrations.size());

}  // namespace rg::sqlite_schema
