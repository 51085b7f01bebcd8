#pragma once
// A failover journal whose step writes fail on demand (a full disk, an I/O error), in front of a
// real one: how the executor behaves when the journal cannot be written mid-plan.
#include <memory>

#include "store/failover_journal.h"

namespace rg::test {

class FailingJournal : public FailoverJournal {
 public:
  explicit FailingJournal(FailoverJournal& real) : real_(real) {}

  // record_step calls numbered first, first+1, ... fail, `count` of them (-1: every one from first).
  void fail_step_writes(int first, int count) {
    first_failure_ = first;
    failures_ = count;
  }
  int step_writes() const { return step_writes_; }

  StoreResult<JournalWrite> record_step(const std::string& app, std::int64_t generation,
                                        const JournalStep& step) override {
    ++step_writes_;
    if (first_failure_ > 0 && step_writes_ >= first_failure_ && (failures_ < 0 || step_writes_ < first_failure_ + failures_))
      return std::unexpected(StoreError{StoreError::Code::io, "disk I/O error"});
    return real_.record_step(app, generation, step);
  }

  StoreResult<std::int64_t> next_generation(const std::string& app) override { return real_.next_generation(app); }
  StoreResult<JournalWrite> begin_plan(const JournalPlan& plan, const std::string& owner) override {
    return real_.begin_plan(plan, owner);
  }
  StoreResult<JournalWrite> supersede(const JournalPlan& plan, std::int64_t superseded, const std::string& owner) override {
    return real_.supersede(plan, superseded, owner);
  }
  StoreResult<JournalWrite> record_undo_state(const std::string& app, std::int64_t generation, int step,
                                              const std::string& state) override {
    return real_.record_undo_state(app, generation, step, state);
  }
  StoreResult<JournalWrite> mark_ready(const std::string& app, std::int64_t generation, TimePoint at) override {
    return real_.mark_ready(app, generation, at);
  }
  StoreResult<JournalWrite> finish_plan(const std::string& app, std::int64_t generation, PlanState expected,
                                        PlanState state, TimePoint at, const std::string& detail) override {
    return real_.finish_plan(app, generation, expected, state, at, detail);
  }
  StoreResult<std::optional<JournalPlan>> latest(const std::string& app) override { return real_.latest(app); }
  StoreResult<std::vector<JournalPlan>> plans(const std::string& app, int limit) override {
    return real_.plans(app, limit);
  }
  StoreResult<LeaseAnswer> acquire_lease(const std::string& app, const LeaseHolder& holder, TimePoint now,
                                         std::chrono::milliseconds ttl) override {
    return real_.acquire_lease(app, holder, now, ttl);
  }
  StoreResult<void> release_lease(const std::string& app, const std::string& owner) override {
    return real_.release_lease(app, owner);
  }
  StoreResult<std::optional<Lease>> lease(const std::string& app) override { return real_.lease(app); }
  StoreResult<void> set_lock(const std::string& app, const LockState& state) override {
    return real_.set_lock(app, state);
  }
  StoreResult<LockState> lock(const std::string& app) override { return real_.lock(app); }

 private:
  FailoverJournal& real_;
  int first_failure_ = 0;
  int failures_ = 0;
  int step_writes_ = 0;
};

}  // namespace rg::test
