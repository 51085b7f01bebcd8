#pragma once
// The daemon's one pool of worker threads for blocking work kept off the event loop (alert
// writes, retention, forest fits, drills), as ARCHITECTURE.md's "One event loop" asks: a fixed
// number of threads, and work that arrives through lanes.
//
// A WorkerLane is one user's share of the pool: at most `width` of its jobs run at once (width 1
// is a strand: one at a time, in the order posted) and at most `capacity` wait. post() refuses a
// job when the lane is full or closing and says so; nothing is dropped without the caller knowing.
// The pool's own queue therefore never holds more than the lanes' widths together.
//
// Jobs run on a pool thread and must not throw (as on a std::thread, an escaping exception ends
// the process). A job that needs the loop posts its result there itself (boost::asio::post): this
// layer knows no Asio, so store/ can use it too.
//
//   WorkerPool pool(3);                                  // app/pipeline.cpp owns it
//   WorkerLane writes(pool, {.width = 1, .capacity = 10'000});
//   if (!writes.post([&] { store.save(...); })) count_and_log_the_refusal();
//   ...   // ~WorkerLane runs what is queued and waits for it; then ~WorkerPool joins
//
// The daemon's pool has a thread for every lane's width (app/pipeline.cpp), so no lane waits for
// another's long job; a lane on a pool of its own (the constructor without a pool) guarantees it.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rg {

// Move-only, so a job may carry an Asio completion handler.
using Job = std::move_only_function<void()>;

class WorkerPool {
 public:
  // At least one thread.
  explicit WorkerPool(std::size_t threads);
  // Runs what was handed to the threads, then joins them. Lanes go first: they refer to the pool.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t threads() const { return threads_.size(); }

 private:
  friend class WorkerLane;
  // A lane's runner; admitted always, since each lane hands over at most its width of them.
  void schedule(Job runner);
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> runnable_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: they start once everything above exists
};

class WorkerLane {
 public:
  struct Limits {
    std::size_t width = 1;      // jobs running at once; 1 keeps them in posting order
    std::size_t capacity = 1;   // jobs posted and not started yet (at least 1)
  };

  // `pool` must outlive the lane.
  WorkerLane(WorkerPool& pool, Limits limits);
  // On a pool of its own with `width` threads: for work that must never wait behind the shared
  // pool's (credential refreshes), and for users that run without the daemon's pool (tests,
  // one-shot commands).
  explicit WorkerLane(Limits limits);
  // Refuses new jobs, runs those queued, and waits for every one to finish.
  ~WorkerLane();
  WorkerLane(const WorkerLane&) = delete;
  WorkerLane& operator=(const WorkerLane&) = delete;

  // False when `capacity` jobs are waiting already or the lane is closing; `job` is then left as
  // it was (moved from only when accepted), so the caller still holds what it captured.
  [[nodiscard]] bool post(Job&& job);
  // No job of this lane waiting or running.
  bool idle() const;
  // Blocks until idle(); jobs posted meanwhile are waited for too.
  void wait_idle();
  // For a shutdown that does not owe the queued jobs: refuses new ones from now on and forgets
  // those not started yet; the number forgotten. The running ones still finish (wait_idle()).
  std::size_t abandon();

 private:
  void run_next();  // on a pool thread: one job, then back to the end of the pool's queue

  std::unique_ptr<WorkerPool> own_pool_;  // first: it outlives everything below
  WorkerPool& pool_;
  const Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<Job> queued_;
  std::size_t runners_ = 0;  // handed to the pool: queued there or running a job
  bool closing_ = false;
};

}  // namespace rg
