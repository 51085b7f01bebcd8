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
    // Version 3: alerts (one row per alert identity, its latest state), their history, silences.
    R"sql(
CREATE TABLE alerts (
  id            TEXT    PRIMARY KEY,             -- RULE|SUBJECT
  rule          TEXT    NOT NULL,
  severity      TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'high', 'critical')),
  state         TEXT    NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  group_key     TEXT    NOT NULL,
  summary       TEXT    NOT NULL,
  labels        TEXT    NOT NULL DEFAULT '{}',   -- JSON object
  active_since  INTEGER NOT NULL,                -- unix microseconds; 0 = never
  fired_at      INTEGER NOT NULL,
  resolved_at   INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_notified INTEGER NOT NULL,
  silenced      INTEGER NOT NULL CHECK (silenced IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX alerts_state ON alerts (state, updated_at);

CREATE TABLE alert_history (
  id       INTEGER PRIMARY KEY,
  alert_id TEXT    NOT NULL,
  at       INTEGER NOT NULL,
  state    TEXT    NOT NULL,
  summary  TEXT    NOT NULL
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, at);

CREATE TABLE silences (
  id         INTEGER PRIMARY KEY,
  matchers   TEXT    NOT NULL,                   -- JSON object: label -> value
  starts_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  comment    TEXT    NOT NULL DEFAULT ''
);
)sql",
    // Version 4: the region health score of every round (analyze/region_score.h).
    R"sql(
CREATE TABLE region_scores (
  region     TEXT    NOT NULL CHECK (region <> ''),
  at         INTEGER NOT NULL,                   -- unix microseconds of the round
  score      REAL    NOT NULL CHECK (score BETWEEN 0 AND 100),
  dns        REAL,                               -- each kind's own score; NULL without such checks
  endpoints  REAL,
  resources  REAL,
  PRIMARY KEY (region, at)
) WITHOUT ROWID;
-- Retention deletes by age across all regions.
CREATE INDEX region_scores_at ON region_scores (at);
)sql",
    // Version 5: the failover journal. One row per plan (fenced by generation, per application)
    // and an append-only log of its steps, written before and after each one runs.
    R"sql(
CREATE TABLE failover_plans (
  app         TEXT    NOT NULL,
  generation  INTEGER NOT NULL,
  kind        TEXT    NOT NULL,                 -- failover, failback, rollback
  from_region TEXT    NOT NULL,
  to_region   TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('running', 'completed', 'rolled_back', 'rollback_failed',
                                                'not_ready', 'fenced')),
  created_at  INTEGER NOT NULL,                 -- unix microseconds
  updated_at  INTEGER NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (app, generation)
) WITHOUT ROWID;

CREATE TABLE failover_steps (
  id         INTEGER PRIMARY KEY,
  app        TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  step       INTEGER NOT NULL,                  -- 0-based index in the plan
  name       TEXT    NOT NULL,
  phase      TEXT    NOT NULL CHECK (phase IN ('started', 'done', 'failed', 'undo_started', 'undone',
                                               'undo_failed')),
  at         INTEGER NOT NULL,
  detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX failover_steps_plan ON failover_steps (app, generation, id);
)sql",
    // Version 6: plans the daemon proposes in manual-approval mode (proposed, then approved or
    // declined). SQLite cannot change a CHECK constraint in place: the table is copied.
    R"sql(
CREATE TABLE failover_plans_v6 (
  app         TEXT    NOT NULL,
  generation  INTEGER NOT NULL,
  kind        TEXT    NOT NULL,                 -- failover, failback
  from_region TEXT    NOT NULL,
  to_region   TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('running', 'completed', 'rolled_back', 'rollback_failed',
                                                'not_ready', 'fenced', 'proposed', 'approved', 'declined')),
  created_at  INTEGER NOT NULL,                 -- unix microseconds
  updated_at  INTEGER NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (app, generation)
) WITHOUT ROWID;
INSERT INTO failover_plans_v6 SELECT * FROM failover_plans;
DROP TABLE failover_plans;
ALTER TABLE failover_plans_v6 RENAME TO failover_plans;
)sql",
    // Version 7: what a step's undo must put back (JSON, act/failover/plan.h UndoMemory), written
    // on the step's `started` row before the step changes anything, so that a rollback after a
    // crash puts back the state from before the plan rather than nothing.
    R"sql(
ALTER TABLE failover_steps ADD COLUMN undo_state TEXT NOT NULL DEFAULT '';
)sql",
    // Version 8: one owner at a time, re-checked resumes and locks (issue 15). Plans gain the
    // states halted (an irreversible step took effect and the plan could neither finish nor go
    // back), expired and withdrawn (proposals nobody answered, or whose source recovered), a
    // readiness mark and the fingerprint of the steps they were started with. The owner lease
    // and the lock log are tables of their own. The plans table is copied (CHECK constraint).
    R"sql(
CREATE TABLE failover_plans_v8 (
  app         TEXT    NOT NULL,
  generation  INTEGER NOT NULL,
  kind        TEXT    NOT NULL,                 -- failover, failback, rollback
  from_region TEXT    NOT NULL,
  to_region   TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('running', 'completed', 'rolled_back', 'rollback_failed',
                                                'not_ready', 'fenced', 'proposed', 'approved', 'declined',
                                                'halted', 'expired', 'withdrawn')),
  created_at  INTEGER NOT NULL,                 -- unix microseconds
  updated_at  INTEGER NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '',
  ready_at    INTEGER,                          -- readiness passed (null: not checked, or failed)
  fingerprint TEXT    NOT NULL DEFAULT '',      -- the step names it was started with
  owner       TEXT    NOT NULL DEFAULT '',      -- the lease holder that started it
  PRIMARY KEY (app, generation)
) WITHOUT ROWID;
INSERT INTO failover_plans_v8 (app, generation, kind, from_region, to_region, state, created_at, updated_at, detail)
  SELECT app, generation, kind, from_region, to_region, state, created_at, updated_at, detail FROM failover_plans;
DROP TABLE failover_plans;
ALTER TABLE failover_plans_v8 RENAME TO failover_plans;

-- Who may run an application's plans: one holder, renewed by its heartbeat, taken over only
-- once expired (or, on the same host, once its process is gone).
CREATE TABLE failover_owners (
  app          TEXT    PRIMARY KEY,
  owner        TEXT    NOT NULL,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Locks and unlocks, appended: the newest row of an application says whether automation may act.
CREATE TABLE failover_locks (
  id         INTEGER PRIMARY KEY,
  app        TEXT    NOT NULL,
  locked     INTEGER NOT NULL,                  -- 1 lock, 0 unlock
  at         INTEGER NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0,        -- the plan that locked it (0: an operator)
  reason     TEXT    NOT NULL
);
CREATE INDEX failover_locks_app ON failover_locks (app, id);
)sql",
    // Version 9: the recovery time of real executions (issue 18). Plans keep when the source's
    // failing streak began, when the move was decided and when the plan began running; steps
    // keep the plan key that made them and their parallel group. A plan that ran before this
    // version started running when it was journaled (proposals excepted: unknown).
    R"sql(
ALTER TABLE failover_plans ADD COLUMN failing_since INTEGER;  -- unix microseconds; null: no failure seen
ALTER TABLE failover_plans ADD COLUMN decided_at INTEGER;     -- null: not journaled (before version 9)
ALTER TABLE failover_plans ADD COLUMN started_at INTEGER;     -- null: never ran
UPDATE failover_plans SET started_at = created_at
  WHERE state NOT IN ('proposed', 'approved', 'declined', 'expired', 'withdrawn');
ALTER TABLE failover_steps ADD COLUMN block TEXT NOT NULL DEFAULT '';
ALTER TABLE failover_steps ADD COLUMN parallel_group INTEGER NOT NULL DEFAULT 0;
)sql",
};

// The newest schema version this binary knows.
inline constexpr int kSqliteSchemaVersion = static_cast<int>(kSqliteMigrations.size());

}  // namespace rg::sqlite_schema
