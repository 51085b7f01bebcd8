#include "store/batch_writer.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

namespace rg {
namespace {

constexpr WorkerLane::Limits kOneLoop{.width = 1, .capacity = 1};

BatchWriter::Options normalized(BatchWriter::Options options) {
  options.batch_size = std::max<std::size_t>(options.batch_size, 1);
  return options;
}

}  // namespace

BatchWriter::BatchWriter(Store& store, Options options, WorkerPool& pool) : BatchWriter(store, options, &pool) {}

BatchWriter::BatchWriter(Store& store, Options options) : BatchWriter(store, options, nullptr) {}

BatchWriter::BatchWriter(Store& store, Options options, WorkerPool* pool)
    : store_(store),
      options_(normalized(options)),
      worker_(pool ? WorkerLane(*pool, kOneLoop) : WorkerLane(kOneLoop)) {
  // A fresh lane of capacity one: always admitted.
  (void)worker_.post([this] { run(); });
}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  worker_.wait_idle();  // the worker drains the queue before it returns
}

void BatchWriter::submit(Observation observation) {
  std::lock_guard lock(mutex_);
  if (queue_.size() >= options_.max_queue) {
    ++stats_.dropped;
    return;
  }
  queue_.push_back(Queued{std::move(observation), ++last_sequence_, SteadyClock::now()});
  // Wake the worker only when what it waits for changes: the first row starts the interval
  // clock, and a full batch is due now. Otherwise it is asleep until a deadline it already knows.
  if (queue_.size() == 1 || queue_.size() == options_.batch_size) work_ready_.notify_one();
}

void BatchWriter::submit_scores(std::vector<RegionScoreRecord> scores) {
  std::lock_guard lock(mutex_);
  if (pending_scores_.size() + scores.size() > options_.max_queue) {
    stats_.dropped += scores.size();
    return;
  }
  pending_scores_.insert(pending_scores_.end(), std::make_move_iterator(scores.begin()),
                         std::make_move_iterator(scores.end()));
}

std::optional<std::string> BatchWriter::write_scores(const std::vector<RegionScoreRecord>& scores) {
  if (scores.empty()) return std::nullopt;
  try {
    auto written = store_.append_region_scores(scores);
    return written ? std::nullopt : std::optional(written.error().message);
  } catch (const std::exception& e) {
    return std::string("append_region_scores threw: ") + e.what();
  }
}

void BatchWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = last_sequence_;
  if (done_sequence_ >= target) return;
  flush_through_ = std::max(flush_through_, target);
  work_ready_.notify_one();
  written_.wait(lock, [&] { return done_sequence_ >= target; });
}

BatchWriter::Stats BatchWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool BatchWriter::batch_due(SteadyClock::time_point now) const {
  const Queued& oldest = queue_.front();
  return stopping_ || queue_.size() >= options_.batch_size || oldest.sequence <= flush_through_ ||
         now - oldest.queued_at >= options_.flush_interval;
}

BatchWriter::Batch BatchWriter::take_batch() {
  const std::size_t count = std::min(queue_.size(), options_.batch_size);
  Batch batch;
  batch.rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    batch.rows.push_back(std::move(queue_.front().observation));
    batch.last_sequence = queue_.front().sequence;
    queue_.pop_front();
  }
  return batch;
}

std::optional<std::string> BatchWriter::attempt(const std::vector<Observation>& rows) {
  // Store methods do not throw by contract; a faulty backend or an allocation failure still must
  // not take the process down with an exception escaping the worker thread.
  try {
    auto written = store_.append(rows);
    if (written) return std::nullopt;
    return written.error().message;
  } catch (const std::exception& e) {
    return std::string("append threw: ") + e.what();
  } catch (...) {
    return std::string("append threw a non-standard exception");
  }
}

void BatchWriter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_) {
        const auto scores = std::exchange(pending_scores_, {});
        lock.unlock();
        if (const auto error = write_scores(scores)) {
          lock.lock();
          stats_.last_error = *error;
          stats_.dropped += scores.size();
        }
        return;
      }
      work_ready_.wait(lock);
      continue;
    }
    if (!batch_due(SteadyClock::now())) {
      work_ready_.wait_until(lock, queue_.front().queued_at + options_.flush_interval);
      continue;
    }
    Batch batch = take_batch();
    const auto scores = std::exchange(pending_scores_, {});
    lock.unlock();  // submit() stays free while the disk works
    const auto score_error = write_scores(scores);
    // One retry: a transient failure (a lock held past busy_timeout, a moment of full disk) gets
    // a second chance; a batch that fails twice is given up so one bad batch cannot stall the rest.
    const auto first_error = attempt(batch.rows);
    const auto error = first_error ? attempt(batch.rows) : std::nullopt;
    lock.lock();
    if (first_error) stats_.last_error = error.value_or(*first_error);
    if (score_error) {
      stats_.last_error = *score_error;
      stats_.dropped += scores.size();
    }
    if (error) {
      ++stats_.failed_batches;
      stats_.dropped += batch.rows.size();
    } else {
      stats_.written += batch.rows.size();
    }
    done_sequence_ = batch.last_sequence;
    written_.notify_all();
  }
}

}  // namespace rg
