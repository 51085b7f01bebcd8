#include "present/cloudwatch/cloudwatch_publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "aws/retry_policy.h"
#include "aws/aws_session.h"

namespace rg {
namespace {

namespace cw = aws::cloudwatch;
using namespace std::chrono_literals;

constexpr Millis kFirstBackoff = 1s;
constexpr Millis kMaxBackoff = 5min;
constexpr Millis kCallTimeout = 30s;  // one PutMetricData, the client's own retries included

// Errors that say the data itself is wrong: sending the same batch again would fail again, and
// would hold up everything queued behind it.
constexpr std::array<std::string_view, 5> kRefusalCodes{"InvalidParameterValue", "InvalidParameterCombination",
                                                        "MissingParameter", "MissingRequiredParameter",
                                                        "ValidationError"};

bool is_refusal(const aws::AwsError& error) {
  return error.kind == aws::AwsErrorKind::service_error && std::ranges::find(kRefusalCodes, error.code) != kRefusalCodes.end();
}

}  // namespace

CloudWatchPublisher::CloudWatchPublisher(boost::asio::io_context& io, const Config& config, aws::AwsSession& session)
    : io_(io), config_(config), session_(session), interval_timer_(io), retry_timer_(io), drain_timer_(io) {
  if (!enabled()) return;
  spdlog::info("cloudwatch: publishing to namespace {} in {} every {} s", config.cloudwatch.namespace_,
               config.cloudwatch.region, std::chrono::duration_cast<std::chrono::seconds>(config.cloudwatch.interval).count());
  arm_interval();
}

CloudWatchPublisher::~CloudWatchPublisher() { *alive_ = false; }

void CloudWatchPublisher::arm_interval() {
  interval_timer_.expires_after(config_.cloudwatch.interval);
  interval_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    flush();
    arm_interval();
  });
}

void CloudWatchPublisher::on_round(const AnalyzedRound& analyzed,
                                   const std::map<std::string, std::string>& active_regions) {
  if (!enabled()) return;
  aggregator_.add(round_samples(analyzed, analyzed.cascade, active_regions, config_.applications));
}

void CloudWatchPublisher::flush() {
  if (!enabled() || aggregator_.empty()) return;
  enqueue(aggregator_.take(now_us()));
  pump();
}

void CloudWatchPublisher::enqueue(std::vector<cw::MetricDatum> datums) {
  for (auto& datum : datums) backlog_.push_back(std::move(datum));
  trim();
}

// A request on the wire cannot be taken back: the datums waiting behind it are held to
// max_backlog, and those in flight are judged when their answer comes (trim() runs again then).
void CloudWatchPublisher::trim() {
  const auto limit = static_cast<std::size_t>(config_.cloudwatch.max_backlog);
  const std::size_t waiting = backlog_.size() - in_flight_;
  if (waiting <= limit) return;
  const std::size_t drop = waiting - limit;
  const auto first = backlog_.begin() + static_cast<std::ptrdiff_t>(in_flight_);
  backlog_.erase(first, first + static_cast<std::ptrdiff_t>(drop));
  stats_.dropped += drop;
  spdlog::warn("cloudwatch: backlog full ({} datums), dropped the {} oldest", limit, drop);
}

void CloudWatchPublisher::pump() {
  if (in_flight_ > 0 || waiting_ || backlog_.empty()) return;
  // cloudwatch.endpoint_url, when set, wins over aws.endpoint_url for this client only.
  auto client = session_.client("cloudwatch", config_.cloudwatch.region, kCallTimeout, config_.cloudwatch.endpoint_url);
  if (!client) {
    ++stats_.failed_requests;
    spdlog::warn("cloudwatch: cannot publish: {}", client.error().to_string());
    return retry_later();
  }
  const std::size_t max_items =
      std::min(kMaxDatumsPerRequest, static_cast<std::size_t>(config_.cloudwatch.max_backlog));
  in_flight_ = batch_length(backlog_, config_.cloudwatch.namespace_, max_items);
  cw::PutMetricDataRequest request{config_.cloudwatch.namespace_,
                                   {backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(in_flight_)}};
  cw::put_metric_data(**client, request, [this, alive = alive_](std::expected<void, aws::AwsError> result) {
    if (!*alive) return;
    const std::size_t sent = std::exchange(in_flight_, 0);
    if (result) {
      backlog_.erase(backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(sent));
      stats_.published += sent;
      backoff_ = Millis{0};
      return pump();
    }
    ++stats_.failed_requests;
    if (is_refusal(result.error())) {
      backlog_.erase(backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(sent));
      stats_.dropped += sent;
      spdlog::error("cloudwatch: PutMetricData refused {} datums, dropped: {}", sent, result.error().to_string());
      return pump();
    }
    spdlog::warn("cloudwatch: PutMetricData failed ({} datums queued): {}", backlog_.size(), result.error().to_string());
    trim();  // the failed batch is the oldest again
    retry_later();
  });
}

void CloudWatchPublisher::retry_later() {
  backoff_ = backoff_ == Millis{0} ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
  waiting_ = true;
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    waiting_ = false;
    ++stats_.retried;
    pump();
  });
}

void CloudWatchPublisher::drain(Millis limit, std::function<void()> done) {
  interval_timer_.cancel();
  flush();
  if (!enabled() || backlog_.empty()) return done();
  spdlog::info("cloudwatch: sending the last {} datums before stopping (at most {} s)", backlog_.size(),
               std::chrono::duration_cast<std::chrono::seconds>(limit).count());
  wait_for_backlog(std::chrono::steady_clock::now() + limit, std::move(done));
}

// Polled: the answers arrive through pump()'s callbacks, which know nothing of draining.
void CloudWatchPublisher::wait_for_backlog(std::chrono::steady_clock::time_point deadline, std::function<void()> done) {
  if (backlog_.empty() || std::chrono::steady_clock::now() >= deadline) {
    if (!backlog_.empty()) spdlog::warn("cloudwatch: {} datums not sent at shutdown", backlog_.size());
    return done();
  }
  drain_timer_.expires_after(std::chrono::milliseconds(50));
  drain_timer_.async_wait([this, alive = alive_, deadline, done = std::move(done)](const boost::system::error_code& ec) {
    if (!ec && *alive) wait_for_backlog(deadline, done);
  });
}

CloudWatchStats CloudWatchPublisher::stats() const {
  CloudWatchStats out = stats_;
  out.backlog = backlog_.size();
  return out;
}

}  // namespace rg
