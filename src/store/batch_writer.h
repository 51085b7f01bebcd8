#pragma once
// Batched, asynchronous writes to a Store, so the event loop never waits on disk.
//
// submit() queues an observation and returns at once; one worker writes the queue in batches (one
// transaction each) when `batch_size` rows are waiting or the oldest has waited `flush_interval`.
// The worker is a loop that waits for those deadlines on its own condition variable, so it holds
// one thread of the worker pool (core/worker_pool.h) for the writer's whole life. The queue is bounded: when the disk cannot keep up, new observations are
// dropped and counted rather than growing memory or blocking probes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/worker_pool.h"
#include "store/store.h"

namespace rg {

class BatchWriter {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{1000};
    std::size_t batch_size = 500;
    std::size_t max_queue = 100'000;
  };
  struct Stats {
    std::uint64_t written = 0;
    // Observations that were never stored: refused because the queue was full, or part of a
    // batch that failed twice.
    std::uint64_t dropped = 0;
    std::uint64_t failed_batches = 0;  // batches that failed, were retried once, failed again
    std::string last_error;            // message of the last failed write attempt
  };

  // `store` and `pool` must outlive the writer. Takes one of the pool's threads.
  BatchWriter(Store& store, Options options, WorkerPool& pool);
  // On a thread of its own (tests, one-shot commands).
  BatchWriter(Store& store, Options options);
  // Writes everything still queued, then waits for the worker to return.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Thread-safe; never waits for the disk (only for a short critical section).
  void submit(Observation observation);
  // Region health scores of a round: written with the next batch of observations (or at stop),
  // so they cost no transaction of their own. Bounded like the queue; dropped scores are counted.
  void submit_scores(std::vector<RegionScoreRecord> scores);
  // Blocks until everything submitted before the call has been written, or has failed.
  void flush();
  Stats stats() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Queued {
    Observation observation;
    std::uint64_t sequence;  // 1, 2, 3, ... in submit order
    SteadyClock::time_point queued_at;
  };

  struct Batch {
    std::vector<Observation> rows;
    std::uint64_t last_sequence = 0;
  };

  BatchWriter(Store& store, Options options, WorkerPool* pool);
  void run();
  bool batch_due(SteadyClock::time_point now) const;  // mutex_ held
  Batch take_batch();                                 // mutex_ held
  // One append; the error message when it failed. Called without the mutex.
  std::optional<std::string> attempt(const std::vector<Observation>& rows);
  // Writes the scores taken from pending_scores_; called without the mutex, returns the error.
  std::optional<std::string> write_scores(const std::vector<RegionScoreRecord>& scores);

  Store& store_;
  const Options options_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // worker waits: new rows, a flush request, or stop
  std::condition_variable written_;     // flush() waits: the worker finished a batch
  std::deque<Queued> queue_;
  std::vector<RegionScoreRecord> pending_scores_;
  std::uint64_t last_sequence_ = 0;  // of the last accepted submit
  std::uint64_t done_sequence_ = 0;  // every row up to here is written or failed
  std::uint64_t flush_through_ = 0;  // write rows up to here now, without waiting for the interval
  bool stopping_ = false;
  Stats stats_;

  WorkerLane worker_;  // last: run() starts after every other member is initialized
};

}  // namespace rg
