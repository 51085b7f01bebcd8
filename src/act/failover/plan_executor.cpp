#include "act/failover/plan_executor.h"

#include <array>
#include <boost/asio/post.hpp>
#include <map>

namespace rg::act {
namespace {

constexpr std::array outcome_names{"completed", "rolled_back", "rollback_failed", "not_ready", "fenced",
                                   "journal_failed"};

PlanState state_of(PlanOutcome outcome) {
  switch (outcome) {
    case PlanOutcome::completed: return PlanState::completed;
    case PlanOutcome::rolled_back: return PlanState::rolled_back;
    case PlanOutcome::rollback_failed: return PlanState::rollback_failed;
    case PlanOutcome::not_ready: return PlanState::not_ready;
    case PlanOutcome::fenced: return PlanState::fenced;
    case PlanOutcome::journal_failed: return PlanState::rollback_failed;
  }
  return PlanState::rollback_failed;
}

// One plan being run: lives as long as a callback of one of its steps is pending.
class PlanRun : public std::enable_shared_from_this<PlanRun> {
 public:
  PlanRun(boost::asio::any_io_executor executor, FailoverJournal* journal, Clock clock, PlanProgress progress,
          Plan plan, std::int64_t generation, PlanDone done)
      : executor_(std::move(executor)),
        journal_(journal),
        clock_(std::move(clock)),
        progress_(std::move(progress)),
        plan_(std::move(plan)),
        done_(std::move(done)) {
    report_.generation = generation;
  }

  void start() {
    JournalPlan record{plan_.app,  report_.generation, plan_.kind, plan_.from, plan_.to, PlanState::running,
                       clock_(), clock_(), "",        {}};
    if (!journaled(journal_->begin_plan(record))) return;
    check_readiness(0, [self = shared_from_this()] { self->run_step(0); });
  }

  // A proposal the operator approved: its journal row exists (state approved) and becomes running.
  void start_approved() {
    if (!journaled(journal_->finish_plan(plan_.app, report_.generation, PlanState::running, clock_(), "approved")))
      return;
    check_readiness(0, [self = shared_from_this()] { self->run_step(0); });
  }

  void start_dry_run() {
    check_readiness(0, [self = shared_from_this()] {
      for (const auto& step : self->plan_.steps)
        self->log("would " + step.name + (step.description.empty() ? "" : ": " + step.description));
      self->done_(std::move(self->report_));
    });
  }

  // Resumes at `first` with steps [0, first) applied.
  void resume(std::size_t first) {
    for (std::size_t i = 0; i < first; ++i) applied_.push_back(i);
    log("resuming at step " + std::to_string(first + 1));
    run_step(first);
  }

  // Hands each step the undo state journaled before the crash (the first kept for that step: the
  // state before the plan).
  void restore_undo_states(const JournalPlan& record) {
    std::map<int, const std::string*> kept;
    for (const auto& row : record.steps)
      if (!row.undo_state.empty()) kept.try_emplace(row.step, &row.undo_state);
    for (const auto& [index, text] : kept) {
      if (static_cast<std::size_t>(index) >= plan_.steps.size()) continue;
      auto& step = plan_.steps[static_cast<std::size_t>(index)];
      if (!step.memory) continue;
      auto state = nlohmann::json::parse(*text, nullptr, false);
      if (!state.is_object()) {  // a parse error is discarded, not an object
        log("the journaled undo state of " + step.name + " is unreadable: its undo will change nothing");
        continue;
      }
      step.memory->restore(std::move(state));
    }
  }

  void roll_back(std::vector<std::size_t> reverse_order, std::string reason) {
    report_.reason = std::move(reason);
    undo(std::move(reverse_order), 0, true);
  }

 private:
  // Records a journal answer; false (after finishing the plan) when it was fenced or failed.
  bool journaled(const StoreResult<JournalWrite>& write) {
    if (!write) {
      report_.outcome = PlanOutcome::journal_failed;
      report_.reason = "the journal could not be written: " + write.error().message;
      done_(std::move(report_));
      return false;
    }
    if (*write == JournalWrite::fenced) {
      report_.outcome = PlanOutcome::fenced;
      report_.reason = "a newer plan (generation above " + std::to_string(report_.generation) +
                       ") exists for " + plan_.app + ": this one stops without touching anything";
      done_(std::move(report_));
      return false;
    }
    return true;
  }

  bool journal_step(std::size_t index, StepPhase phase, const std::string& detail) {
    return journaled(journal_->record_step(plan_.app, report_.generation,
                                           {static_cast<int>(index), plan_.steps[index].name, phase, clock_(), detail, ""}));
  }

  // Calls `function` and continues on the loop with its result (posted, so synchronous fakes do
  // not recurse and every continuation runs on the executor).
  // A function that throws before it calls back (a kept undo state of the wrong shape) fails the
  // step instead of the daemon.
  void call(const StepFunction& function, std::function<void(StepResult)> next) {
    auto answered = std::make_shared<bool>(false);
    auto answer = [self = shared_from_this(), answered, next = std::move(next)](StepResult result) mutable {
      *answered = true;
      boost::asio::post(self->executor_, [next = std::move(next), result = std::move(result)]() mutable {
        next(std::move(result));
      });
    };
    try {
      function(answer);
    } catch (const std::exception& e) {
      if (!*answered) answer(std::unexpected(std::string("threw: ") + e.what()));
    }
  }

  void check_readiness(std::size_t index, std::function<void()> then) {
    if (index == plan_.readiness.size()) {
      if (!not_ready_.empty()) return finish_not_ready();
      return then();
    }
    const auto& check = plan_.readiness[index];
    call(check.check, [self = shared_from_this(), index, then = std::move(then)](StepResult result) mutable {
      const auto& name = self->plan_.readiness[index].name;
      if (result) {
        self->log("ready: " + name + (result->empty() ? "" : " (" + *result + ")"));
      } else {
        self->log("NOT READY: " + name + ": " + result.error());
        self->not_ready_.push_back(name + ": " + result.error());
      }
      // Every check runs, so the operator sees all that is wrong at once.
      self->check_readiness(index + 1, std::move(then));
    });
  }

  void finish_not_ready() {
    report_.outcome = PlanOutcome::not_ready;
    report_.reason = "not ready: ";
    for (std::size_t i = 0; i < not_ready_.size(); ++i) report_.reason += (i ? "; " : "") + not_ready_[i];
    if (!journal_) {  // dry run
      done_(std::move(report_));
      return;
    }
    finish(PlanOutcome::not_ready);
  }

  void finish(PlanOutcome outcome) {
    report_.outcome = outcome;
    if (!journaled(journal_->finish_plan(plan_.app, report_.generation, state_of(outcome), clock_(), report_.reason)))
      return;
    done_(std::move(report_));
  }

  void run_step(std::size_t index) {
    if (index == plan_.steps.size()) return finish(PlanOutcome::completed);
    if (!journal_step(index, StepPhase::started, "")) return;
    if (const auto& memory = plan_.steps[index].memory) {
      // The action runs while this run is alive; weak all the same, as the step owns the memory.
      memory->persist_with([weak = weak_from_this(), index](const nlohmann::json& state) -> std::expected<void, std::string> {
        const auto self = weak.lock();
        if (!self) return std::unexpected("the plan is gone");
        const auto write = self->journal_->record_undo_state(self->plan_.app, self->report_.generation,
                                                             static_cast<int>(index), state.dump());
        if (!write) return std::unexpected("the journal could not keep the undo state: " + write.error().message);
        if (*write == JournalWrite::fenced) return std::unexpected("a newer plan exists: nothing changed");
        return {};
      });
    }
    call(plan_.steps[index].action, [self = shared_from_this(), index](StepResult result) {
      const auto& step = self->plan_.steps[index];
      if (!result) {
        self->log("FAILED: " + step.name + ": " + result.error());
        if (!self->journal_step(index, StepPhase::failed, result.error())) return;
        return self->roll_back(self->reversed_applied(), "step " + std::to_string(index + 1) + " (" + step.name +
                                                              ") failed: " + result.error());
      }
      self->log("done: " + step.name + (result->empty() ? "" : " (" + *result + ")"));
      self->applied_.push_back(index);
      if (!step.verify) return self->step_verified(index, "");
      self->call(step.verify, [self, index](StepResult verified) {
        const auto& name = self->plan_.steps[index].name;
        if (!verified) {
          self->log("VERIFY FAILED: " + name + ": " + verified.error());
          if (!self->journal_step(index, StepPhase::failed, "verification: " + verified.error())) return;
          return self->roll_back(self->reversed_applied(), "verification of step " + std::to_string(index + 1) +
                                                               " (" + name + ") failed: " + verified.error());
        }
        self->log("verified: " + name + (verified->empty() ? "" : " (" + *verified + ")"));
        self->step_verified(index, *verified);
      });
    });
  }

  void step_verified(std::size_t index, const std::string& detail) {
    if (!journal_step(index, StepPhase::done, detail)) return;
    run_step(index + 1);
  }

  std::vector<std::size_t> reversed_applied() const { return {applied_.rbegin(), applied_.rend()}; }

  void undo(std::vector<std::size_t> order, std::size_t position, bool all_undone) {
    if (position == order.size())
      return finish(all_undone ? PlanOutcome::rolled_back : PlanOutcome::rollback_failed);
    const std::size_t index = order[position];
    const auto& step = plan_.steps[index];
    if (!step.undo) {
      log("nothing to undo: " + step.name);
      return undo(std::move(order), position + 1, all_undone);
    }
    if (!journal_step(index, StepPhase::undo_started, "")) return;
    call(step.undo, [self = shared_from_this(), order = std::move(order), position, all_undone,
                     index](StepResult result) mutable {
      const auto& name = self->plan_.steps[index].name;
      if (result) {
        self->log("undone: " + name);
      } else {
        // Keep undoing the rest: a half rolled-back plan is worse than one with a known gap.
        self->log("UNDO FAILED: " + name + ": " + result.error());
      }
      if (!self->journal_step(index, result ? StepPhase::undone : StepPhase::undo_failed,
                              result ? *result : result.error()))
        return;
      self->undo(std::move(order), position + 1, all_undone && result.has_value());
    });
  }

  void log(std::string line) {
    if (progress_) progress_(plan_, line);
    report_.log.push_back(std::move(line));
  }

  boost::asio::any_io_executor executor_;
  FailoverJournal* journal_;  // null in a dry run
  Clock clock_;
  PlanProgress progress_;
  Plan plan_;
  PlanDone done_;
  PlanReport report_;
  std::vector<std::size_t> applied_;  // steps whose action succeeded, in order
  std::vector<std::string> not_ready_;
};

}  // namespace

std::string_view to_string(PlanOutcome outcome) { return outcome_names[static_cast<std::size_t>(outcome)]; }

void PlanExecutor::run(Plan plan, std::int64_t generation, PlanDone done) {
  std::make_shared<PlanRun>(executor_, &journal_, clock_, progress_, std::move(plan), generation, std::move(done))
      ->start();
}

void PlanExecutor::run_approved(Plan plan, std::int64_t generation, PlanDone done) {
  std::make_shared<PlanRun>(executor_, &journal_, clock_, progress_, std::move(plan), generation, std::move(done))
      ->start_approved();
}

void PlanExecutor::dry_run(Plan plan, PlanDone done) {
  std::make_shared<PlanRun>(executor_, nullptr, clock_, progress_, std::move(plan), 0, std::move(done))->start_dry_run();
}

void PlanExecutor::recover(Plan plan, const JournalPlan& record, Recovery mode, PlanDone done) {
  // The last phase written for each step.
  std::map<int, StepPhase> last;
  bool rolling_back = false;
  for (const auto& step : record.steps) {
    last[step.step] = step.phase;
    rolling_back = rolling_back || step.phase == StepPhase::undo_started || step.phase == StepPhase::undone ||
                   step.phase == StepPhase::undo_failed || step.phase == StepPhase::failed;
  }
  const std::size_t step_count = plan.steps.size();
  auto run = std::make_shared<PlanRun>(executor_, &journal_, clock_, progress_, std::move(plan), record.generation,
                                       std::move(done));
  run->restore_undo_states(record);
  // A crash during a rollback finishes the rollback, whatever was asked.
  if (mode == Recovery::resume && !rolling_back) {
    std::size_t first = 0;
    while (last.contains(static_cast<int>(first)) && last[static_cast<int>(first)] == StepPhase::done) ++first;
    return run->resume(first);
  }
  // Undo, newest first, every step that took effect or may have: done, started (in flight when the
  // process died: undo is idempotent, so undoing a step that never ran is harmless), and an undo
  // that was itself interrupted or failed.
  std::vector<std::size_t> order;
  for (auto it = last.rbegin(); it != last.rend(); ++it) {
    if (static_cast<std::size_t>(it->first) >= step_count) continue;  // the configuration lost steps
    if (it->second == StepPhase::done || it->second == StepPhase::started || it->second == StepPhase::undo_started ||
        it->second == StepPhase::undo_failed)
      order.push_back(static_cast<std::size_t>(it->first));
  }
  run->roll_back(std::move(order), "recovering generation " + std::to_string(record.generation) +
                                       " after a restart: rolled back");
}

}  // namespace rg::act
