#include "app/alerting.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "aws/aws_session.h"

namespace rg {
namespace {

// Rounds' alert writes waiting for the disk; one per round at most, so hours of a stalled disk.
constexpr std::size_t kQueuedAlertWrites = 10'000;

SnsClientProvider sns_clients(aws::AwsSession& session) {
  return [&session](const NotifierConfig& notifier) {
    // A notifier's own endpoint wins over aws.endpoint_url (an SNS VPC endpoint, a test's moto).
    return session.client("sns", notifier.region, notifier.timeout, notifier.endpoint);
  };
}

}  // namespace

std::expected<std::unique_ptr<Alerting>, std::string> Alerting::start(boost::asio::io_context& io, const Config& config,
                                                                      CurlMulti& curl, aws::AwsSession& session,
                                                                      std::unique_ptr<SqliteAlertStore> store,
                                                                      WorkerPool& pool) {
  auto alerts = store->load();
  if (!alerts) return std::unexpected("cannot read the stored alerts: " + alerts.error().message);
  auto silences = store->silences(now_us());
  if (!silences) return std::unexpected("cannot read the stored silences: " + silences.error().message);
  std::unique_ptr<Alerting> alerting(new Alerting(io, config, curl, session, std::move(store), pool));
  std::size_t active = 0;
  for (const auto& alert : *alerts) active += alert.state != AlertState::resolved ? 1 : 0;
  alerting->engine_->restore(std::move(*alerts), std::move(*silences));
  spdlog::info("alerting: {} rules, {} notifiers, {} active alerts restored", config.alerts.rules.size(),
               config.notifiers.size(), active);
  return alerting;
}

Alerting::Alerting(boost::asio::io_context& io, const Config& config, CurlMulti& curl, aws::AwsSession& session,
                   std::unique_ptr<SqliteAlertStore> store, WorkerPool& pool)
    : io_(io),
      curl_(curl),
      session_(session),
      engine_(std::make_unique<AlertEngine>(config)),
      store_(std::move(store)),
      writes_(pool, {.width = 1, .capacity = kQueuedAlertWrites}),
      dispatcher_(std::make_unique<NotificationDispatcher>(
          io, make_notifiers(curl, config.notifiers, sns_clients(session)))) {}

void Alerting::reconfigure(const Config& config, bool new_notifiers) {
  // alerts() lists the recently resolved newest first; restore() keeps them newest last.
  auto alerts = engine_->alerts();
  const auto first_resolved = std::stable_partition(alerts.begin(), alerts.end(),
                                                     [](const Alert& a) { return a.state != AlertState::resolved; });
  std::reverse(first_resolved, alerts.end());
  auto next = std::make_unique<AlertEngine>(config);
  next->restore(std::move(alerts), engine_->silences(now_us()));
  engine_ = std::move(next);
  if (new_notifiers) {
    retired_dispatchers_.push_back(std::exchange(
        dispatcher_,
        std::make_unique<NotificationDispatcher>(io_, make_notifiers(curl_, config.notifiers, sns_clients(session_)))));
  }
  spdlog::info("alerting: {} rules, {} notifiers after the reload", config.alerts.rules.size(), config.notifiers.size());
}

Alerting::~Alerting() { writes_.wait_idle(); }

void Alerting::notify(const Notification& notification) {
  ++notifications_;
  send(notification);
}

void Alerting::send(const Notification& notification) {
  if (may_send_ && !may_send_()) {
    ++withheld_;
    return;
  }
  dispatcher_->dispatch(notification);
}

void Alerting::on_round(const AnalyzedRound& analyzed, std::span<const AnomalySignal> anomalies,
                        std::span<const FailoverSignal> failovers, std::span<const FailoverAdvice> advice) {
  cascade_ = analyzed.cascade;  // for /metrics
  const TimePoint now = now_us();
  const AlertInputs inputs{now,    analyzed.states, analyzed.observations, analyzed.events, analyzed.cascade,
                           anomalies, failovers, advice};
  auto update = engine_->evaluate(inputs);
  for (const auto& entry : update.history) {
    if (entry.state == AlertState::firing) spdlog::warn("alert {} firing: {}", entry.alert_id, entry.summary);
    else if (entry.state == AlertState::resolved) spdlog::info("alert {} resolved", entry.alert_id);
  }
  for (const auto& notification : update.notifications) {
    ++notifications_;
    send(notification);
  }
  if (update.changed.empty() && update.history.empty()) return;
  const std::size_t count = update.changed.size();
  const bool queued = writes_.post([store = store_.get(), failures = store_failures_, changed = std::move(update.changed),
                                    history = std::move(update.history)] {
    if (auto saved = store->save(changed, history); !saved) {
      ++*failures;
      spdlog::error("cannot store {} alerts: {}", changed.size(), saved.error().message);
    }
  });
  if (!queued) {
    ++*store_failures_;
    spdlog::error("cannot store {} alerts: {} writes are queued already, the disk is not keeping up", count,
                  kQueuedAlertWrites);
  }
}

std::expected<Silence, std::string> Alerting::add_silence(Silence silence) {
  // Rare and small: written at once so that the id can be answered.
  auto id = store_->add_silence(silence);
  if (!id) return std::unexpected(id.error().message);
  silence.id = *id;
  engine_->add_silence(silence);
  return silence;
}

AlertingStats Alerting::stats() const {
  AlertingStats stats;
  for (const auto& alert : engine_->alerts()) {
    if (alert.state == AlertState::resolved) continue;
    ++stats.alerts[{alert.state, alert.severity}];
    if (alert.silenced) ++stats.silenced;
  }
  stats.notifications = notifications_;
  stats.withheld = withheld_;
  stats.store_failures = *store_failures_;
  stats.notifiers = dispatcher_->stats();
  stats.cascade = cascade_;
  return stats;
}

AlertHooks Alerting::api_hooks() {
  AlertHooks hooks;
  hooks.list = [this] { return alerts(); };
  hooks.silence = [this](Silence silence) { return add_silence(std::move(silence)); };
  hooks.metrics = [this] {
    const auto s = stats();
    AlertMetrics metrics;
    metrics.alerts = s.alerts;
    metrics.silenced = s.silenced;
    metrics.notifications = s.notifications;
    metrics.store_failures = s.store_failures;
    for (const auto& n : s.notifiers) metrics.notifiers.push_back({n.name, n.type, n.sent, n.failed, n.retries, n.queued});
    for (const auto& risk : s.cascade) metrics.cascade_risk[risk.region] = risk.score;
    return metrics;
  };
  return hooks;
}

}  // namespace rg
