#include "act/failover/plan_executor.h"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <map>
#include <optional>

#include "config/duration.h"

namespace rg::act {
namespace {

constexpr std::array outcome_names{"completed", "rolled_back", "rollback_failed", "not_ready",
                                   "fenced",    "journal_failed", "halted",       "refused"};

PlanState state_of(PlanOutcome outcome) {
  switch (outcome) {
    case PlanOutcome::completed: return PlanState::completed;
    case PlanOutcome::rolled_back: return PlanState::rolled_back;
    case PlanOutcome::rollback_failed: return PlanState::rollback_failed;
    case PlanOutcome::not_ready: return PlanState::not_ready;
    case PlanOutcome::fenced: return PlanState::fenced;
    case PlanOutcome::journal_failed: return PlanState::rollback_failed;
    case PlanOutcome::halted: return PlanState::halted;
    case PlanOutcome::refused: return PlanState::rollback_failed;  // never journaled: nothing began
  }
  return PlanState::rollback_failed;
}

// The last phase written for each step of a journaled plan, by step name.
std::map<std::string, StepPhase> last_phases(const JournalPlan& record) {
  std::map<std::string, StepPhase> last;
  for (const auto& step : record.steps) last[step.name] = step.phase;
  return last;
}

bool may_have_taken_effect(StepPhase phase) {
  return phase == StepPhase::done || phase == StepPhase::started || phase == StepPhase::undo_started ||
         phase == StepPhase::undo_failed;
}

// One plan being run: lives as long as a callback of one of its steps is pending.
class PlanRun : public std::enable_shared_from_this<PlanRun> {
 public:
  PlanRun(boost::asio::any_io_executor executor, FailoverJournal* journal, Clock clock, ExecutorSettings settings,
          PlanProgress progress, Plan plan, std::int64_t generation, PlanDone done, PlanOrigin origin = {})
      : executor_(std::move(executor)),
        journal_(journal),
        clock_(std::move(clock)),
        settings_(std::move(settings)),
        progress_(std::move(progress)),
        plan_(std::move(plan)),
        done_(std::move(done)),
        origin_(origin) {
    report_.generation = generation;
    if (plan_.facts) plan_.facts->generation = generation;  // custom steps hand it on
  }

  void start() {
    JournalPlan record{plan_.app, report_.generation, plan_.kind, plan_.from, plan_.to, PlanState::running,
                       clock_(),  clock_(),           "",         {}, {}, {}, {}, {}, {}, {}};
    record.fingerprint = plan_fingerprint(plan_);
    record.failing_since = origin_.failing_since;
    record.decided_at = origin_.decided_at.value_or(record.created_at);
    const auto begun = journal_->begin_plan(record, settings_.owner);
    if (begun && *begun == JournalWrite::conflict)
      return refuse("this process (" + settings_.owner + ") does not hold the lease of " + plan_.app);
    if (!journaled(begun)) return;
    check_readiness(0, [self = shared_from_this()] { self->readiness_passed(0); });
  }

  // A proposal the operator approved: its journal row exists (state approved) and becomes running.
  void start_approved() {
    const auto moved =
        journal_->finish_plan(plan_.app, report_.generation, PlanState::approved, PlanState::running, clock_(), "approved");
    if (moved && *moved == JournalWrite::conflict)
      return refuse("proposal #" + std::to_string(report_.generation) +
                    " is no longer approved (declined, expired or withdrawn meanwhile)");
    if (!journaled(moved)) return;
    check_readiness(0, [self = shared_from_this()] { self->readiness_passed(0); });
  }

  void start_dry_run() {
    check_readiness(0, [self = shared_from_this()] {
      for (const auto& step : self->plan_.steps) {
        const std::string at_once = step.parallel_group ? "(at once with the others of group " +
                                                              std::to_string(step.parallel_group) + ") "
                                                        : "";
        self->log(ProgressKind::note, "would " + at_once + step.name + (step.description.empty() ? "" : ": " + step.description));
      }
      self->done_(std::move(self->report_));
    });
  }

  // Resumes at `first` with steps [0, first) applied; readiness first unless it was journaled.
  void resume(std::size_t first, bool ready) {
    // Inside a parallel group the whole group runs again (its steps are idempotent).
    while (first > 0 && first < plan_.steps.size() && plan_.steps[first].parallel_group &&
           plan_.steps[first - 1].parallel_group == plan_.steps[first].parallel_group)
      --first;
    for (std::size_t i = 0; i < first; ++i) note_applied(i);
    log(ProgressKind::note, "resuming at step " + std::to_string(first + 1));
    if (ready) return run_step(first);
    log(ProgressKind::note, "readiness was not journaled as passed before the restart: checking it again");
    check_readiness(0, [self = shared_from_this(), first] { self->readiness_passed(first); });
  }

  // Hands each step the undo state journaled before the crash (the first kept for that step: the
  // state before the plan), matching steps by name.
  void restore_undo_states(const JournalPlan& record) {
    std::map<std::string, const std::string*> kept;
    for (const auto& row : record.steps)
      if (!row.undo_state.empty()) kept.try_emplace(row.name, &row.undo_state);
    for (auto& step : plan_.steps) {
      const auto found = kept.find(step.name);
      if (found == kept.end() || !step.memory) continue;
      auto state = nlohmann::json::parse(*found->second, nullptr, false);
      if (!state.is_object()) {  // a parse error is discarded, not an object
        log(ProgressKind::undo_failed, "the journaled undo state of " + step.name + " is unreadable: its undo will change nothing");
        continue;
      }
      step.memory->restore(std::move(state));
    }
  }

  void roll_back(std::vector<std::size_t> reverse_order, std::string reason) {
    report_.reason = std::move(reason);
    undo(std::move(reverse_order), 0, true);
  }

  // An irreversible step took effect: nothing goes back; the operator is paged with what stays.
  void halt(std::string reason) {
    report_.reason = std::move(reason);
    finish(PlanOutcome::halted);
  }

  void note(std::string line) { log(ProgressKind::note, std::move(line)); }

 private:
  void refuse(std::string reason) {
    report_.outcome = PlanOutcome::refused;
    report_.reason = std::move(reason);
    done_(std::move(report_));
  }

  // Records a journal answer; false (after finishing the plan) when it was fenced or failed.
  bool journaled(const StoreResult<JournalWrite>& write) {
    if (!write) {
      report_.outcome = PlanOutcome::journal_failed;
      report_.reason = "the journal could not be written: " + write.error().message;
      done_(std::move(report_));
      return false;
    }
    if (*write != JournalWrite::ok) {
      report_.outcome = PlanOutcome::fenced;
      report_.reason = *write == JournalWrite::fenced
                           ? "plan #" + std::to_string(report_.generation) + " of " + plan_.app +
                                 " was fenced (a newer plan exists, or this process no longer leads the cluster): "
                                 "this one stops without touching anything more"
                           : "plan #" + std::to_string(report_.generation) + " of " + plan_.app +
                                 " changed state under it: this one stops without touching anything more";
      done_(std::move(report_));
      return false;
    }
    return true;
  }

  // A journal write that fails (the store itself, not a fence) stops the plan where it is: no AWS
  // call runs until the write lands. It is tried again, after pauses that double from
  // journal_retry, journal_attempts times in all (a lock released, space freed); then the plan
  // ends journal_failed, and the controller locks the application.
  void write(std::function<StoreResult<JournalWrite>()> attempt, std::function<void()> next, int attempt_number = 1) {
    auto result = attempt();
    if (!result && attempt_number < settings_.journal_attempts) {
      const auto pause = settings_.journal_retry * (1 << (attempt_number - 1));
      note("the journal could not be written (" + result.error().message + "): no AWS call until it is; attempt " +
           std::to_string(attempt_number + 1) + " of " + std::to_string(settings_.journal_attempts) + " in " +
           std::to_string(pause.count()) + " ms");
      auto timer = std::make_shared<boost::asio::steady_timer>(executor_, pause);
      timer->async_wait([self = shared_from_this(), timer, attempt = std::move(attempt), next = std::move(next),
                         attempt_number](const boost::system::error_code&) mutable {
        self->write(std::move(attempt), std::move(next), attempt_number + 1);
      });
      return;
    }
    if (!result && settings_.journal_attempts > 1)
      result = std::unexpected(StoreError{result.error().code, result.error().message + " (" +
                                                                    std::to_string(settings_.journal_attempts) +
                                                                    " attempts; the plan stopped there)"});
    if (!journaled(result)) return;
    next();
  }

  void journal_step(std::size_t index, StepPhase phase, std::string detail, std::function<void()> next) {
    write(
        [this, index, phase, detail = std::move(detail)] {
          return journal_->record_step(plan_.app, report_.generation,
                                       {static_cast<int>(index), plan_.steps[index].name, phase, clock_(), detail, "",
                                        plan_.steps[index].block, plan_.steps[index].parallel_group});
        },
        std::move(next));
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
        self->log(ProgressKind::ready, "ready: " + name + (result->empty() ? "" : " (" + *result + ")"));
      } else {
        self->log(ProgressKind::not_ready, "NOT READY: " + name + ": " + result.error());
        self->not_ready_.push_back(name + ": " + result.error());
      }
      // Every check runs, so the operator sees all that is wrong at once.
      self->check_readiness(index + 1, std::move(then));
    });
  }

  void readiness_passed(std::size_t first) {
    write([this] { return journal_->mark_ready(plan_.app, report_.generation, clock_()); },
          [self = shared_from_this(), first] { self->run_step(first); });
  }

  void finish_not_ready() {
    report_.outcome = PlanOutcome::not_ready;
    report_.reason = "not ready: " + join(not_ready_, "; ");
    if (!journal_) {  // dry run
      done_(std::move(report_));
      return;
    }
    finish(PlanOutcome::not_ready);
  }

  void finish(PlanOutcome outcome) {
    report_.outcome = outcome;
    write(
        [this, outcome] {
          return journal_->finish_plan(plan_.app, report_.generation, PlanState::running, state_of(outcome), clock_(),
                                       report_.reason);
        },
        [self = shared_from_this()] { self->done_(std::move(self->report_)); });
  }

  // What a step's attempt found: nullopt when it took effect and was verified, else why not (the
  // journal has the step's `done` or `failed` row either way).
  using Attempted = std::function<void(std::optional<std::string>)>;

  void run_step(std::size_t index) {
    if (index == plan_.steps.size()) return finish(PlanOutcome::completed);
    const auto& step = plan_.steps[index];
    if (step.parallel_group) return run_group(index);
    journal_step(index, StepPhase::started, step.approval_timeout ? std::string(kAwaitingApproval) : "",
                 [self = shared_from_this(), index] {
                   self->attempt(index, [self, index](std::optional<std::string> failure) {
                     if (failure) return self->step_failed(index, std::move(*failure));
                     self->rolling_forward_since_.reset();
                     self->run_step(index + 1);
                   });
                 });
  }

  // The steps of the group that starts at `first` run at once, each journaled as started before
  // any of them runs; the plan goes on when all are verified, and rolls back (or forward) when any
  // fails, once the others have answered.
  void run_group(std::size_t first) {
    std::size_t end = first;
    while (end < plan_.steps.size() && plan_.steps[end].parallel_group == plan_.steps[first].parallel_group) ++end;
    journal_group_started(first, first, end);
  }

  void journal_group_started(std::size_t first, std::size_t next, std::size_t end) {
    if (next == end) return attempt_group(first, end);
    journal_step(next, StepPhase::started, "", [self = shared_from_this(), first, next, end] {
      self->journal_group_started(first, next + 1, end);
    });
  }

  void attempt_group(std::size_t first, std::size_t end) {
    struct Tally {
      std::size_t waiting = 0;
      std::vector<std::string> failures;
    };
    auto tally = std::make_shared<Tally>(Tally{end - first, {}});
    for (std::size_t index = first; index < end; ++index)
      attempt(index, [self = shared_from_this(), tally, first, end](std::optional<std::string> failure) {
        if (failure) tally->failures.push_back(std::move(*failure));
        if (--tally->waiting > 0) return;
        if (!tally->failures.empty()) return self->step_failed(first, join(tally->failures, "; "));
        self->rolling_forward_since_.reset();
        self->run_step(end);
      });
  }

  void attempt(std::size_t index, Attempted then) {
    if (const auto timeout = plan_.steps[index].approval_timeout)
      return await_approval(index, std::chrono::steady_clock::now() + *timeout, std::move(then));
    act(index, std::move(then));
  }

  // Step `index`'s action, once its start is journaled, then its verification.
  void act(std::size_t index, Attempted then) {
    if (const auto& memory = plan_.steps[index].memory) {
      // The action runs while this run is alive; weak all the same, as the step owns the memory.
      memory->persist_with([weak = weak_from_this(), index](const nlohmann::json& state) -> std::expected<void, std::string> {
        const auto self = weak.lock();
        if (!self) return std::unexpected("the plan is gone");
        const auto write = self->journal_->record_undo_state(self->plan_.app, self->report_.generation,
                                                             static_cast<int>(index), state.dump());
        if (!write) return std::unexpected("the journal could not keep the undo state: " + write.error().message);
        if (*write != JournalWrite::ok) return std::unexpected("a newer plan exists: nothing changed");
        return {};
      });
    }
    call(plan_.steps[index].action, [self = shared_from_this(), index, then = std::move(then)](StepResult result) {
      const auto& step = self->plan_.steps[index];
      if (!result) {
        self->log(ProgressKind::failed, "FAILED: " + step.name + ": " + result.error());
        return self->journal_step(index, StepPhase::failed, result.error(), [self, index, error = result.error(), then] {
          const auto& failed = self->plan_.steps[index];
          // Its undo state was journaled: the action read the world and then failed, so its change
          // may have landed (a lost response). Undos are idempotent: undo it too.
          if (failed.memory && failed.memory->state()) self->note_applied(index);
          then("step " + std::to_string(index + 1) + " (" + failed.name + ") failed: " + error);
        });
      }
      self->log(ProgressKind::done, "done: " + step.name + (result->empty() ? "" : " (" + *result + ")"));
      self->note_applied(index);
      if (!step.verify) return self->journal_step(index, StepPhase::done, *result, [then] { then(std::nullopt); });
      self->call(step.verify, [self, index, then](StepResult verified) {
        const auto& name = self->plan_.steps[index].name;
        if (!verified) {
          self->log(ProgressKind::failed, "VERIFY FAILED: " + name + ": " + verified.error());
          return self->journal_step(index, StepPhase::failed, "verification: " + verified.error(),
                                    [self, index, error = verified.error(), then] {
                                      then("verification of step " + std::to_string(index + 1) + " (" +
                                           self->plan_.steps[index].name + ") failed: " + error);
                                    });
        }
        self->log(ProgressKind::verified, "verified: " + name + (verified->empty() ? "" : " (" + *verified + ")"));
        self->journal_step(index, StepPhase::done, *verified, [then] { then(std::nullopt); });
      });
    });
  }

  // An approval pause: the operator's answer is a `done` or `failed` row of this step (see
  // answer_approval), read from the journal every approval_poll, so that an answer given from a
  // command line reaches a daemon's plan as well as the daemon's own API. The deadline is on the
  // monotonic clock; the owner lease is renewed meanwhile by whoever runs the plan.
  void await_approval(std::size_t index, std::chrono::steady_clock::time_point deadline, Attempted then,
                      bool announced = false) {
    const auto& step = plan_.steps[index];
    if (!announced)
      log(ProgressKind::paused, "waiting for an operator: " + step.name + " (`regionguard failover approve " +
                                  plan_.app + "` goes on, `decline` rolls back; rolls back by itself in " +
                                  format_duration(*step.approval_timeout) + ")");
    const auto record = journal_->latest(plan_.app);
    if (record && *record) {
      const auto& plan = **record;
      if (plan.generation != report_.generation || plan.state != PlanState::running)
        return void(journaled(plan.generation > report_.generation ? JournalWrite::fenced : JournalWrite::conflict));
      const auto answer = std::ranges::find_if(plan.steps.rbegin(), plan.steps.rend(), [index](const JournalStep& row) {
        return row.step == static_cast<int>(index);
      });
      if (answer != plan.steps.rend() && answer->phase == StepPhase::done) {
        log(ProgressKind::done, "approved: " + step.name + " (" + answer->detail + ")");
        return then(std::nullopt);
      }
      if (answer != plan.steps.rend() && answer->phase == StepPhase::failed) {
        log(ProgressKind::failed, "DECLINED: " + step.name + " (" + answer->detail + ")");
        return then(step.name + " was declined: " + answer->detail);
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string why = "no operator approved within " + format_duration(*step.approval_timeout);
      log(ProgressKind::failed, "FAILED: " + step.name + ": " + why);
      return journal_step(index, StepPhase::failed, why, [then, why, name = step.name] { then(name + ": " + why); });
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(executor_, settings_.approval_poll);
    timer->async_wait([self = shared_from_this(), timer, index, deadline, then = std::move(then)](
                          const boost::system::error_code&) mutable {
      self->await_approval(index, deadline, std::move(then), true);
    });
  }

  // Before the point of no return a failure rolls back; after it, the step is retried until the
  // roll-forward deadline and the plan then halts.
  void step_failed(std::size_t index, std::string reason) {
    if (irreversible_applied_.empty()) return roll_back(reversed_applied(), std::move(reason));
    const auto now = std::chrono::steady_clock::now();
    if (!rolling_forward_since_) rolling_forward_since_ = now;
    if (now - *rolling_forward_since_ >= settings_.roll_forward_for)
      return halt(reason + "; retried for " + std::to_string(settings_.roll_forward_for.count() / 1000) +
                  " s after " + join(irreversible_applied_, ", ") +
                  " took effect, which cannot be undone: traffic is not moved back to the old writer");
    log(ProgressKind::note, "rolling forward: " + join(irreversible_applied_, ", ") + " took effect, so step " +
                                std::to_string(index + 1) + " is tried again rather than undoing the plan");
    auto timer = std::make_shared<boost::asio::steady_timer>(executor_, settings_.roll_forward_retry);
    timer->async_wait([self = shared_from_this(), timer, index](const boost::system::error_code&) {
      self->run_step(index);
    });
  }

  void note_applied(std::size_t index) {
    if (std::ranges::find(applied_, index) != applied_.end()) return;
    applied_.push_back(index);
    if (plan_.steps[index].irreversible) {
      irreversible_applied_.push_back(plan_.steps[index].name);
      report_.not_undone.push_back(plan_.steps[index].name);
    }
  }

  std::vector<std::size_t> reversed_applied() const { return {applied_.rbegin(), applied_.rend()}; }

  void undo(std::vector<std::size_t> order, std::size_t position, bool all_undone) {
    if (position == order.size())
      return finish(all_undone ? PlanOutcome::rolled_back : PlanOutcome::rollback_failed);
    const std::size_t index = order[position];
    const auto& step = plan_.steps[index];
    if (!step.undo) {
      log(ProgressKind::note, "nothing to undo: " + step.name);
      return undo(std::move(order), position + 1, all_undone);
    }
    journal_step(index, StepPhase::undo_started, "",
                 [self = shared_from_this(), order = std::move(order), position, all_undone, index]() mutable {
                   self->undo_step(std::move(order), position, all_undone, index);
                 });
  }

  // Step `index`'s undo, once its start is journaled; then the next in `order`.
  void undo_step(std::vector<std::size_t> order, std::size_t position, bool all_undone, std::size_t index) {
    call(plan_.steps[index].undo, [self = shared_from_this(), order = std::move(order), position, all_undone,
                                   index](StepResult result) mutable {
      const auto& name = self->plan_.steps[index].name;
      if (result) {
        self->log(ProgressKind::undone, "undone: " + name + (result->empty() ? "" : " (" + *result + ")"));
      } else {
        // Keep undoing the rest: a half rolled-back plan is worse than one with a known gap.
        self->log(ProgressKind::undo_failed, "UNDO FAILED: " + name + ": " + result.error());
      }
      const bool undone = result.has_value();
      self->journal_step(index, undone ? StepPhase::undone : StepPhase::undo_failed, undone ? *result : result.error(),
                         [self, order = std::move(order), position, all_undone, undone]() mutable {
                           self->undo(std::move(order), position + 1, all_undone && undone);
                         });
    });
  }

  void log(ProgressKind kind, std::string line) {
    if (progress_) progress_(plan_, {kind, line});
    report_.log.push_back(std::move(line));
  }

  static std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(separator) : "") + parts[i];
    return out;
  }

  boost::asio::any_io_executor executor_;
  FailoverJournal* journal_;  // null in a dry run
  Clock clock_;
  ExecutorSettings settings_;
  PlanProgress progress_;
  Plan plan_;
  PlanDone done_;
  PlanOrigin origin_;  // journaled with a plan begun here (start)
  PlanReport report_;
  std::vector<std::size_t> applied_;  // steps whose action succeeded (or may have), in order
  std::vector<std::string> irreversible_applied_;
  std::optional<std::chrono::steady_clock::time_point> rolling_forward_since_;  // monotonic: wall jumps do not count
  std::vector<std::string> not_ready_;
};

// What recovery found in the journal for a rebuilt plan.
struct JournalReading {
  std::vector<std::size_t> taken_effect_newest_first;  // steps that took effect or may have
  std::vector<std::string> irreversible_taken;         // of those, the irreversible ones
  std::size_t first_not_done = 0;
  bool rolling_back = false;
  std::vector<std::string> unknown_steps;  // journaled steps the rebuilt plan does not have
};

JournalReading read_journal(const Plan& plan, const JournalPlan& record) {
  JournalReading reading;
  const auto last = last_phases(record);
  for (const auto& [name, phase] : last) {
    reading.rolling_back = reading.rolling_back || phase == StepPhase::undo_started || phase == StepPhase::undone ||
                           phase == StepPhase::undo_failed || phase == StepPhase::failed;
    if (std::ranges::find(plan.steps, name, &PlanStep::name) == plan.steps.end()) reading.unknown_steps.push_back(name);
  }
  for (std::size_t i = plan.steps.size(); i-- > 0;) {
    const auto found = last.find(plan.steps[i].name);
    if (found == last.end() || !may_have_taken_effect(found->second)) continue;
    reading.taken_effect_newest_first.push_back(i);
    if (plan.steps[i].irreversible) reading.irreversible_taken.push_back(plan.steps[i].name);
  }
  while (reading.first_not_done < plan.steps.size()) {
    const auto found = last.find(plan.steps[reading.first_not_done].name);
    if (found == last.end() || found->second != StepPhase::done) break;
    ++reading.first_not_done;
  }
  return reading;
}

}  // namespace

std::string_view to_string(PlanOutcome outcome) { return outcome_names[static_cast<std::size_t>(outcome)]; }

std::optional<JournalStep> awaiting_approval(const JournalPlan& record) {
  if (record.state != PlanState::running || record.steps.empty()) return std::nullopt;
  const auto& last = record.steps.back();
  if (last.phase != StepPhase::started || last.detail != kAwaitingApproval) return std::nullopt;
  return last;
}

StoreResult<JournalWrite> answer_approval(FailoverJournal& journal, const JournalPlan& record, bool approve,
                                          const std::string& by, TimePoint at) {
  const auto waiting = awaiting_approval(record);
  if (!waiting) return JournalWrite::conflict;
  return journal.record_step(record.app, record.generation,
                             {waiting->step, waiting->name, approve ? StepPhase::done : StepPhase::failed, at,
                              (approve ? "approved on " : "declined on ") + by, "", waiting->block,
                              waiting->parallel_group});
}

std::string plan_fingerprint(const Plan& plan) {
  // FNV-1a over the kind, the regions and the step names: stable across builds and hosts.
  std::uint64_t hash = 14695981039346656037ull;
  const auto mix = [&hash](std::string_view text) {
    for (const unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull;  // a separator, so "ab","c" differs from "a","bc"
  };
  mix(plan.kind);
  mix(plan.from);
  mix(plan.to);
  for (const auto& step : plan.steps) mix(step.name);
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash));
  return hex.data();
}

void PlanExecutor::run(Plan plan, std::int64_t generation, PlanDone done, PlanOrigin origin) {
  std::make_shared<PlanRun>(executor_, &journal_, clock_, settings_, progress_, std::move(plan), generation,
                            std::move(done), origin)
      ->start();
}

void PlanExecutor::run_approved(Plan plan, std::int64_t generation, PlanDone done) {
  std::make_shared<PlanRun>(executor_, &journal_, clock_, settings_, progress_, std::move(plan), generation,
                            std::move(done))
      ->start_approved();
}

void PlanExecutor::dry_run(Plan plan, PlanDone done) {
  std::make_shared<PlanRun>(executor_, nullptr, clock_, settings_, progress_, std::move(plan), 0, std::move(done))
      ->start_dry_run();
}

void PlanExecutor::recover(Plan plan, const JournalPlan& record, Recovery mode, PlanDone done) {
  const auto reading = read_journal(plan, record);
  const bool changed = !record.fingerprint.empty() && record.fingerprint != plan_fingerprint(plan);
  auto run = std::make_shared<PlanRun>(executor_, &journal_, clock_, settings_, progress_, std::move(plan),
                                       record.generation, std::move(done));
  run->restore_undo_states(record);
  const std::string what = "generation " + std::to_string(record.generation);
  if (!reading.irreversible_taken.empty()) {
    // Past the point of no return going back would point traffic at the old writer: the plan
    // rolls forward even when a rollback was asked for, unless it cannot (its steps changed).
    if (!reading.rolling_back && !changed) {
      if (mode == Recovery::rollback)
        run->note("rolling forward instead of back: " + reading.irreversible_taken.front() + " took effect");
      return run->resume(reading.first_not_done, record.ready_at.has_value());
    }
    const std::string why = changed ? "its steps changed in the configuration since it began" : "it was rolling back";
    return run->halt("recovering " + what + ": " + why + ", but " + reading.irreversible_taken.front() +
                     " took effect and cannot be undone; nothing is moved back to the old writer");
  }
  // A crash during a rollback finishes the rollback, whatever was asked; so does a plan whose
  // steps are no longer those it began with (resuming would run steps it never checked).
  if (mode == Recovery::resume && !reading.rolling_back && !changed)
    return run->resume(reading.first_not_done, record.ready_at.has_value());
  // Undo, newest first, every step that took effect or may have: done, started (in flight when the
  // process died: undo is idempotent, so undoing a step that never ran is harmless), and an undo
  // that was itself interrupted or failed.
  std::string reason = "recovering " + what + ": rolled back";
  if (changed) reason += " because its steps changed in the configuration since it began";
  if (!reading.unknown_steps.empty())
    reason += "; steps no longer in the plan were not undone: " + reading.unknown_steps.front() +
              (reading.unknown_steps.size() > 1 ? " and others" : "");
  run->roll_back(reading.taken_effect_newest_first, reason);
}

void PlanExecutor::undo_superseded(Plan plan, const JournalPlan& record, std::int64_t generation, PlanDone done) {
  const auto reading = read_journal(plan, record);
  auto run = std::make_shared<PlanRun>(executor_, &journal_, clock_, settings_, progress_, std::move(plan), generation,
                                       std::move(done));
  run->restore_undo_states(record);
  const std::string what = "#" + std::to_string(record.generation);
  if (!reading.irreversible_taken.empty())
    return run->halt("cannot roll back " + what + ": " + reading.irreversible_taken.front() +
                     " took effect and cannot be undone; nothing is moved back to the old writer");
  run->roll_back(reading.taken_effect_newest_first, "rolled back " + what + " on request");
}

}  // namespace rg::act
