#include "store/sqlite_alert_store.h"

#include <nlohmann/json.hpp>

#include "store/sqlite_store.h"

namespace rg {
namespace {

using sqlite::Statement;


constexpr const char* kUpsertSql = R"sql(
INSERT INTO alerts (id, rule, severity, state, group_key, summary, labels, active_since, fired_at, resolved_at,
                    updated_at, last_notified, silenced)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (id) DO UPDATE SET
  rule = excluded.rule, severity = excluded.severity, state = excluded.state, group_key = excluded.group_key,
  summary = excluded.summary, labels = excluded.labels, active_since = excluded.active_since,
  fired_at = excluded.fired_at, resolved_at = excluded.resolved_at, updated_at = excluded.updated_at,
  last_notified = excluded.last_notified, silenced = excluded.silenced)sql";

#define RG_ALERT_COLUMNS \
  "id, rule, severity, state, group_key, summary, labels, active_since, fired_at, resolved_at, updated_at, " \
  "last_notified, silenced"
constexpr const char* kSelectActiveSql = "SELECT " RG_ALERT_COLUMNS " FROM alerts WHERE state <> 'resolved' ORDER BY id";
constexpr const char* kSelectResolvedSql =
    "SELECT * FROM (SELECT " RG_ALERT_COLUMNS
    " FROM alerts WHERE state = 'resolved' ORDER BY resolved_at DESC LIMIT ?1) ORDER BY resolved_at";
#undef RG_ALERT_COLUMNS

std::unexpected<StoreError> corrupt(std::string message) {
  return std::unexpected(StoreError{StoreError::Code::io, std::move(message)});
}

StoreResult<Alert> read_alert(const Statement& row) {
  Alert alert;
  alert.id = row.text(0);
  alert.rule = row.text(1);
  const auto severity = alert_severity_from_string(row.text(2));
  const auto state = alert_state_from_string(row.text(3));
  if (!severity || !state) return corrupt("stored alert '" + alert.id + "' has an unknown severity or state");
  alert.severity = *severity;
  alert.state = *state;
  alert.group = row.text(4);
  alert.summary = row.text(5);
  const auto labels = nlohmann::json::parse(row.text(6), nullptr, false);
  if (!labels.is_object()) return corrupt("stored alert '" + alert.id + "' has labels that are not a JSON object");
  for (const auto& [key, value] : labels.items())
    if (value.is_string()) alert.labels[key] = value.get<std::string>();
  alert.active_since = from_unix_us(row.int64(7));
  alert.fired_at = from_unix_us(row.int64(8));
  alert.resolved_at = from_unix_us(row.int64(9));
  alert.updated_at = from_unix_us(row.int64(10));
  alert.last_notified = from_unix_us(row.int64(11));
  alert.silenced = row.int64(12) != 0;
  return alert;
}

StoreResult<void> read_alerts(Statement& statement, std::vector<Alert>& out) {
  while (true) {
    auto row = statement.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    auto alert = read_alert(statement);
    if (!alert) return std::unexpected(alert.error());
    out.push_back(std::move(*alert));
  }
}

}  // namespace

StoreResult<std::unique_ptr<SqliteAlertStore>> SqliteAlertStore::open(const std::string& path) {
  // SqliteStore::open creates the file and applies every migration (the alert tables included).
  if (auto migrated = SqliteStore::open(path); !migrated) return std::unexpected(migrated.error());
  auto db = sqlite::open_connection(path, SQLITE_OPEN_READWRITE, "opening the alert store");
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<SqliteAlertStore>(new SqliteAlertStore(std::move(*db)));
}

StoreResult<void> SqliteAlertStore::save(std::span<const Alert> alerts, std::span<const AlertHistoryEntry> history) {
  std::lock_guard lock(mutex_);
  auto transaction = sqlite::Transaction::begin(db_.get());
  if (!transaction) return std::unexpected(transaction.error());
  auto upsert = Statement::prepare(db_.get(), kUpsertSql);
  if (!upsert) return std::unexpected(upsert.error());
  for (const Alert& alert : alerts) {
    nlohmann::json labels(alert.labels);
    const std::string labels_text = labels.dump();
    const auto run = upsert->run();
    upsert->bind(1, alert.id).bind(2, alert.rule).bind(3, to_string(alert.severity)).bind(4, to_string(alert.state));
    upsert->bind(5, alert.group).bind(6, alert.summary).bind(7, labels_text);
    upsert->bind(8, to_unix_us(alert.active_since)).bind(9, to_unix_us(alert.fired_at));
    upsert->bind(10, to_unix_us(alert.resolved_at)).bind(11, to_unix_us(alert.updated_at));
    upsert->bind(12, to_unix_us(alert.last_notified)).bind(13, std::int64_t{alert.silenced ? 1 : 0});
    if (auto done = upsert->step(); !done) return std::unexpected(done.error());
  }
  auto insert = Statement::prepare(db_.get(), "INSERT INTO alert_history (alert_id, at, state, summary) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::unexpected(insert.error());
  for (const auto& entry : history) {
    const auto run = insert->run();
    insert->bind(1, entry.alert_id).bind(2, to_unix_us(entry.at)).bind(3, to_string(entry.state)).bind(4, entry.summary);
    if (auto done = insert->step(); !done) return std::unexpected(done.error());
  }
  return transaction->commit();
}

StoreResult<std::vector<Alert>> SqliteAlertStore::load(std::size_t resolved_limit) {
  std::lock_guard lock(mutex_);
  std::vector<Alert> out;
  auto resolved = Statement::prepare(db_.get(), kSelectResolvedSql);
  if (!resolved) return std::unexpected(resolved.error());
  resolved->bind(1, static_cast<std::int64_t>(resolved_limit));
  if (auto ok = read_alerts(*resolved, out); !ok) return std::unexpected(ok.error());
  std::vector<Alert> active_alerts;
  auto active = Statement::prepare(db_.get(), kSelectActiveSql);
  if (!active) return std::unexpected(active.error());
  if (auto ok = read_alerts(*active, active_alerts); !ok) return std::unexpected(ok.error());
  active_alerts.insert(active_alerts.end(), std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
  return active_alerts;
}

StoreResult<std::vector<AlertHistoryEntry>> SqliteAlertStore::history(const std::string& alert_id) {
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(db_.get(),
                                   "SELECT at, state, summary FROM alert_history WHERE alert_id = ?1 ORDER BY at, id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, alert_id);
  std::vector<AlertHistoryEntry> out;
  while (true) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    const auto state = alert_state_from_string(select->text(1));
    if (!state) return corrupt("stored alert history has an unknown state '" + select->text(1) + "'");
    out.push_back({alert_id, from_unix_us(select->int64(0)), *state, select->text(2)});
  }
}

StoreResult<std::int64_t> SqliteAlertStore::add_silence(const Silence& silence) {
  std::lock_guard lock(mutex_);
  auto insert = Statement::prepare(
      db_.get(), "INSERT INTO silences (matchers, starts_at, expires_at, comment) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::unexpected(insert.error());
  const std::string matchers = nlohmann::json(silence.matchers).dump();
  insert->bind(1, matchers).bind(2, to_unix_us(silence.starts_at)).bind(3, to_unix_us(silence.expires_at));
  insert->bind(4, silence.comment);
  if (auto done = insert->step(); !done) return std::unexpected(done.error());
  return sqlite3_last_insert_rowid(db_.get());
}

StoreResult<std::vector<Silence>> SqliteAlertStore::silences(TimePoint now) {
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(
      db_.get(), "SELECT id, matchers, starts_at, expires_at, comment FROM silences WHERE expires_at > ?1 ORDER BY id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, to_unix_us(now));
  std::vector<Silence> out;
  while (true) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    Silence silence;
    silence.id = select->int64(0);
    const auto matchers = nlohmann::json::parse(select->text(1), nullptr, false);
    if (!matchers.is_object()) return corrupt("stored silence has matchers that are not a JSON object");
    for (const auto& [key, value] : matchers.items())
      if (value.is_string()) silence.matchers[key] = value.get<std::string>();
    silence.starts_at = from_unix_us(select->int64(2));
    silence.expires_at = from_unix_us(select->int64(3));
    silence.comment = select->text(4);
    out.push_back(std::move(silence));
  }
}

}  // namespace rg
