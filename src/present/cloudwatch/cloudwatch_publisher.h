#pragma once
// The daemon's custom metrics in CloudWatch (`cloudwatch:` in the configuration). Each round's
// samples (cloudwatch_metrics.h) are folded per metric for `interval`, then queued as datums and
// sent with PutMetricData on the event loop: one request in flight at a time, batches within
// PutMetricData's limits, failures retried with a doubling backoff. Nothing here waits: probing
// never does on CloudWatch. The queue is bounded by `max_backlog`; beyond it the oldest datums are
// dropped, and counted, as are datums CloudWatch refuses as invalid (sending them again cannot
// help). A batch in flight is not dropped while it is on the wire, only if it then fails, so the
// queue may briefly hold max_backlog plus one batch. stats() is what /metrics shows.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "present/cloudwatch/cloudwatch_metrics.h"
#include "config/config.h"
#include "present/metrics.h"  // CloudWatchStats

namespace rg {

namespace aws { class AwsSession; }

class CloudWatchPublisher {
 public:
  // `config` and `session` must outlive it. With cloudwatch.enabled false it does nothing at all (no
  // credentials are looked for). The interval timer starts here.
  CloudWatchPublisher(boost::asio::io_context& io, const Config& config, aws::AwsSession& session);
  ~CloudWatchPublisher();  // what is still queued is lost (and a request in flight abandoned): drain() first
  CloudWatchPublisher(const CloudWatchPublisher&) = delete;
  CloudWatchPublisher& operator=(const CloudWatchPublisher&) = delete;

  bool enabled() const { return config_.cloudwatch.enabled; }

  // On the loop, once per analysed round. `active_regions`: application -> region serving it.
  void on_round(const AnalyzedRound& analyzed, const std::map<std::string, std::string>& active_regions);

  // Ends the current interval now: its aggregate joins the backlog and sending starts. The
  // interval timer calls it; so may a shutdown.
  void flush();

  // At shutdown: flushes, then calls `done` once the backlog is sent or after `limit`, whichever
  // comes first (CloudWatch may be the thing that is down). The interval timer stops.
  void drain(Millis limit, std::function<void()> done);

  CloudWatchStats stats() const;

 private:
  void arm_interval();
  void enqueue(std::vector<aws::cloudwatch::MetricDatum> datums);
  void trim();
  void pump();
  void retry_later();
  void wait_for_backlog(std::chrono::steady_clock::time_point deadline, std::function<void()> done);

  boost::asio::io_context& io_;
  const Config& config_;
  aws::AwsSession& session_;  // the pipeline's, shared with the probes, plans and notifiers
  MetricAggregator aggregator_;
  std::deque<aws::cloudwatch::MetricDatum> backlog_;
  std::size_t in_flight_ = 0;  // datums at the front of backlog_ being sent
  bool waiting_ = false;       // a retry is scheduled
  Millis backoff_{0};
  boost::asio::steady_timer interval_timer_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer drain_timer_;
  CloudWatchStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for answers after destruction
};

}  // namespace rg
