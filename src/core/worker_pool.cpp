#include "core/worker_pool.h"

#include <algorithm>
#include <utility>

namespace rg {
namespace {

// An exception escaping a job ends the process, as it would on a std::thread of its own.
void run_job(Job& job) noexcept { job(); }

}  // namespace

WorkerPool::WorkerPool(std::size_t threads) {
  threads_.reserve(std::max<std::size_t>(threads, 1));
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void WorkerPool::schedule(Job runner) {
  {
    std::lock_guard lock(mutex_);
    runnable_.push_back(std::move(runner));
  }
  ready_.notify_one();
}

void WorkerPool::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_.wait(lock, [this] { return stopping_ || !runnable_.empty(); });
    if (runnable_.empty()) return;  // stopping, and nothing left to run
    auto runner = std::move(runnable_.front());
    runnable_.pop_front();
    lock.unlock();
    run_job(runner);
    lock.lock();
  }
}

namespace {

WorkerLane::Limits at_least_one(WorkerLane::Limits limits) {
  return {std::max<std::size_t>(limits.width, 1), std::max<std::size_t>(limits.capacity, 1)};
}

}  // namespace

WorkerLane::WorkerLane(WorkerPool& pool, Limits limits) : pool_(pool), limits_(at_least_one(limits)) {}

WorkerLane::WorkerLane(Limits limits)
    : own_pool_(std::make_unique<WorkerPool>(at_least_one(limits).width)),
      pool_(*own_pool_),
      limits_(at_least_one(limits)) {}

WorkerLane::~WorkerLane() {
  std::unique_lock lock(mutex_);
  closing_ = true;
  idle_.wait(lock, [this] { return runners_ == 0 && queued_.empty(); });
}

bool WorkerLane::post(Job&& job) {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || queued_.size() >= limits_.capacity) return false;
    queued_.push_back(std::move(job));
    if (runners_ >= limits_.width) return true;  // a runner takes it when one of its jobs ends
    ++runners_;
  }
  pool_.schedule([this] { run_next(); });
  return true;
}

bool WorkerLane::idle() const {
  std::lock_guard lock(mutex_);
  return runners_ == 0 && queued_.empty();
}

void WorkerLane::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return runners_ == 0 && queued_.empty(); });
}

std::size_t WorkerLane::abandon() {
  std::deque<Job> forgotten;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    forgotten.swap(queued_);
    if (runners_ == 0) idle_.notify_all();
  }
  return forgotten.size();  // destroyed outside the lock: a job's captures may take locks of their own
}

void WorkerLane::run_next() {
  std::unique_lock lock(mutex_);
  if (queued_.empty()) {  // abandoned meanwhile
    --runners_;
    if (runners_ == 0) idle_.notify_all();
    return;
  }
  auto job = std::move(queued_.front());
  queued_.pop_front();
  lock.unlock();
  run_job(job);
  job = nullptr;  // its captures go before the lane can be seen idle (they may refer to the owner)
  lock.lock();
  if (!queued_.empty()) {
    // Back to the end of the pool's queue rather than running on: other lanes get their turn.
    lock.unlock();
    pool_.schedule([this] { run_next(); });
    return;
  }
  --runners_;
  if (runners_ == 0) idle_.notify_all();
}

}  // namespace rg
