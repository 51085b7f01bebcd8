// FailoverController, told as stories: rounds of check results for "shop" (us-east-1, failing over
// to us-west-2) arrive every 10 s of a fake clock; plans are made of fake steps that write what
// they did to `trace` (one of them can be held in flight, as an RDS promotion that takes minutes);
// the journal is a real SQLite file. Each test says what an operator would expect and why.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "act/failover/failover_controller.h"
#include "store/sqlite_failover_journal.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);
// Holders of another host, so that only the leases' expiry counts (not this process's pid).
const LeaseHolder daemon_holder{"monitor-a:10:1", "monitor-a", 10};
const LeaseHolder command_holder{"laptop:20:1", "laptop", 20};
const LeaseHolder crashed_holder{"monitor-b:30:1", "monitor-b", 30};

Config shop_config(FailoverMode mode) {
  Config config;
  ApplicationConfig app;
  app.name = "shop";
  app.primary = "us-east-1";
  app.secondaries = {"us-west-2"};
  for (const auto& region : app.regions()) app.checks[region] = {"ddb." + region, "web." + region};
  app.policy.mode = mode;
  app.policy.cooldown = 10min;
  app.plan.settle = Millis(0);
  config.applications.push_back(app);
  return config;
}

EndpointState check(const std::string& id, const std::string& region, bool ok, TimePoint at) {
  EndpointState state;
  state.endpoint_id = id;
  state.region = region;
  state.kind = ProbeKind::dns;
  state.success = ok;
  state.status = ok ? HealthStatus::healthy : HealthStatus::critical;
  state.latency = 20ms;
  state.last_check = at;
  state.interval = 10s;
  return state;
}

class FailoverControllerTest : public ::testing::Test {
 protected:
  void TearDown() override { controller.reset(); }

  // The plan of every move: "scale" (reversible), then "hold" (answers only once released, when
  // `hold` is set), then "promote" (irreversible, when `promote` is set), then "point" (fails
  // when `fail_point`). Readiness follows the controller's view of the target.
  std::expected<Plan, std::string> build(const ApplicationConfig& app, const std::string& from, const std::string& to,
                                         const PlanContext& context) {
    Plan plan{app.name, to == app.primary ? "failback" : "failover", from, to, {}, {}};
    plan.readiness.push_back({"target " + to + " healthy", [why = context.target_unhealthy](StepCallback done) {
                                if (why) return done(std::unexpected(*why));
                                done("healthy");
                              }});
    plan.steps.push_back(fake_step("scale " + to));
    if (hold) plan.steps.push_back(fake_step("hold", true));
    if (promote) {
      plan.steps.push_back(fake_step("promote " + to));
      plan.steps.back().irreversible = true;
    }
    plan.steps.push_back(fake_step("point at " + to, false, fail_point));
    return plan;
  }

  PlanStep fake_step(std::string name, bool holds = false, bool fails = false) {
    PlanStep step;
    step.name = name;
    step.description = "changes " + name;
    step.action = [this, name, holds, fails](StepCallback done) {
      trace.push_back("do " + name);
      if (holds) {
        held = std::move(done);
        return;
      }
      boost::asio::post(io, [done, fails] { done(fails ? StepResult(std::unexpected("refused")) : StepResult("ok")); });
    };
    step.undo = [this, name](StepCallback done) {
      trace.push_back("undo " + name);
      done("");
    };
    return step;
  }

  std::unique_ptr<FailoverJournal> open_journal() { return SqliteFailoverJournal::open(path).value(); }

  std::unique_ptr<FailoverController> start(ControllerSetup::Role role, const LeaseHolder& holder) {
    ControllerSetup setup;
    setup.role = role;
    setup.holder = holder;
    setup.clock = [this] { return now; };
    setup.steady_clock = [this] { return steady; };
    setup.build = [this](const ApplicationConfig& app, const std::string& from, const std::string& to,
                         const PlanContext& context) { return build(app, from, to, context); };
    setup.notify = [this](const Notification& n) { notifications.push_back(n.title); };
    setup.roll_forward_for = 20ms;
    setup.roll_forward_retry = 1ms;
    if (remote_views) {
      setup.vantage = "us-east-1-agent";
      setup.remote_views = remote_views;
    }
    setup.hold = hold_reason;
    return FailoverController::start(io, config, open_journal(), std::move(setup)).value();
  }

  void start_daemon() { controller = start(ControllerSetup::Role::daemon, daemon_holder); }

  // Time passes on both clocks; jump() moves only the wall clock (NTP, an operator).
  void pass(std::chrono::microseconds elapsed) {
    now += elapsed;
    steady += elapsed;
  }
  void jump(std::chrono::microseconds by) { now += by; }

  // One round, 10 s after the last: every check of a region answers ok or not.
  FailoverRound round(bool east, bool west = true) {
    pass(10s);
    std::vector<EndpointState> states{check("ddb.us-east-1", "us-east-1", east, now),
                                      check("web.us-east-1", "us-east-1", east, now),
                                      check("ddb.us-west-2", "us-west-2", west, now),
                                      check("web.us-west-2", "us-west-2", west, now)};
    auto result = controller->on_round(states, {now, steady});
    run_until_idle();
    return result;
  }

  // Runs the loop until nothing is in flight (a held step keeps a plan in flight: then until the
  // loop has nothing left to do but wait for it).
  void run_until_idle() {
    for (int i = 0; i < 1000 && (controller->busy() && !held); ++i) io.run_for(5ms);
    io.poll();
  }

  void release_held(StepResult result = StepResult("ok")) {
    auto done = std::exchange(held, nullptr);
    ASSERT_TRUE(done) << "no step is held";
    done(std::move(result));
    run_until_idle();
  }

  // Another monitor began plan #1 at `began` (its lease, taken just before, long expired since)
  // and died; `steps` are the journal rows it wrote.
  void journal_left_running(TimePoint began, std::vector<JournalStep> steps = {}) {
    auto journal = open_journal();
    ASSERT_TRUE(journal->acquire_lease("shop", crashed_holder, began - 1s, 10s)->ours);
    JournalPlan crashed{"shop", 1, "failover", "us-east-1", "us-west-2", PlanState::running, began, began, "", {}, {}, {}, {}, {}, {}, {}};
    ASSERT_EQ(journal->begin_plan(crashed, crashed_holder.owner).value(), JournalWrite::ok);
    for (const auto& step : steps) ASSERT_EQ(journal->record_step("shop", 1, step).value(), JournalWrite::ok);
  }

  ApplicationStatus status() { return controller->status("shop").value(); }
  std::vector<PlanState> journal_states() {
    std::vector<PlanState> states;
    const auto plans = open_journal()->plans("shop", 10).value();  // kept: the loop must not walk a temporary
    for (const auto& plan : plans) states.insert(states.begin(), plan.state);
    return states;
  }

  Config config = shop_config(FailoverMode::automatic);
  test::TempDir dir;
  std::string path = (dir.path() / "rg.db").string();
  boost::asio::io_context io;
  TimePoint now = t0;
  SteadyPoint steady = SteadyPoint{} + 1000h;
  bool hold = false;
  bool promote = false;
  bool fail_point = false;
  StepCallback held;
  std::vector<std::string> trace;
  std::vector<std::string> notifications;
  // A cluster (issue 17): the other agents' views of each round, and why automation must hold.
  std::function<std::vector<VantageView>(TimePoint)> remote_views;
  std::function<std::optional<std::string>()> hold_reason;
  std::unique_ptr<FailoverController> controller;
};

// Another agent's view at `at`: every check of us-east-1 answers `east`, of us-west-2 ok.
VantageView agent_view(const std::string& agent, bool east, TimePoint at) {
  return VantageView{agent, {check("ddb.us-east-1", "us-east-1", east, at), check("web.us-east-1", "us-east-1", east, at),
                             check("ddb.us-west-2", "us-west-2", true, at), check("web.us-west-2", "us-west-2", true, at)}};
}

TEST_F(FailoverControllerTest, AnOutageOfThePrimaryMovesTrafficOnceTheThirdFailingRoundIsSeen) {
  start_daemon();
  round(true);
  round(false);
  round(false);
  EXPECT_TRUE(trace.empty()) << "two failing rounds are not an outage yet";
  round(false);
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}));
  EXPECT_EQ(status().active_region, "us-west-2");
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

// Issue 18: the journal keeps what the executor cannot see, so that the recovery time counts from
// the failure. Rounds 10 s apart: us-east-1 fails first at +20 s, the third failing round decides
// at +40 s, and the plan runs at once (the fake clock stands still while it runs).
TEST_F(FailoverControllerTest, TheDaemonsMoveJournalsWhenTheFailureBeganAndWhenItWasDecided) {
  start_daemon();
  round(true);
  round(false);
  round(false);
  round(false);
  const auto plan = open_journal()->latest("shop").value().value();
  EXPECT_EQ(plan.failing_since, t0 + 20s);
  EXPECT_EQ(plan.decided_at, t0 + 40s);
  EXPECT_EQ(plan.started_at, t0 + 40s);
  const auto recovery = status().recovery.value();
  EXPECT_EQ(recovery.outcome, "recovered");
  ASSERT_FALSE(recovery.phases.empty());
  EXPECT_EQ(recovery.phases.front().name, "detect");
  EXPECT_EQ(recovery.phases.front().duration, 20s);
  EXPECT_EQ(recovery.total, 20s);
  EXPECT_TRUE(recovery.text.starts_with("recovered in 20 s: detect 20 s, decide 0 s, readiness 0 s")) << recovery.text;
}

TEST_F(FailoverControllerTest, AnApprovedProposalCountsTheOperatorsWaitAsApproval) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  round(true);
  round(false);
  round(false);
  round(false);  // proposed at +40 s
  pass(60s);     // the operator reads the page
  ASSERT_TRUE(controller->approve("shop", "the API"));
  run_until_idle();
  const auto recovery = status().recovery.value();
  std::vector<std::string> names;
  for (const auto& phase : recovery.phases) names.push_back(phase.name);
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0], "detect");
  EXPECT_EQ(names[1], "decide");
  EXPECT_EQ(names[2], "approval");
  EXPECT_EQ(recovery.phases[2].duration, 60s);
  EXPECT_EQ(recovery.total, 80s);  // from the first failing round at +20 s
}

TEST_F(FailoverControllerTest, AnOperatorsMoveHasNoDetectionAndCountsFromTheRequest) {
  start_daemon();
  round(true);  // the target is judged healthy
  ASSERT_TRUE(controller->execute("shop", "", "the API"));
  run_until_idle();
  const auto plan = open_journal()->latest("shop").value().value();
  EXPECT_FALSE(plan.failing_since);
  EXPECT_EQ(plan.decided_at, t0 + 10s);
  const auto recovery = status().recovery.value();
  EXPECT_EQ(recovery.outcome, "completed");
  EXPECT_EQ(recovery.phases.front().name, "decide");
}

TEST_F(FailoverControllerTest, ExecuteWhileAPlanRunsIsRefusedNamingThePlanAndItsRunner) {
  hold = true;
  start_daemon();
  round(true);  // the target's readiness is judged from the rounds
  const auto started = controller->execute("shop", "", "the API");
  ASSERT_TRUE(started) << started.error().message;
  run_until_idle();
  ASSERT_TRUE(held) << "the plan waits in its held step";

  // A second operator, seeing traffic still on us-east-1, asks again: two promoted replicas is
  // what this refusal prevents.
  const auto again = controller->execute("shop", "us-west-2", "the command line");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, RefusalKind::conflict);
  EXPECT_NE(again.error().message.find("plan #1 (failover us-east-1 -> us-west-2) is running under monitor-a:10:1"),
            std::string::npos)
      << again.error().message;
  release_held();
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

TEST_F(FailoverControllerTest, RollingBackARunningPlanFencesItAndUndoesItOnceItsStepInFlightEnds) {
  hold = true;
  start_daemon();
  round(true);
  ASSERT_TRUE(controller->execute("shop", "", "the API"));
  run_until_idle();
  ASSERT_TRUE(held);

  const auto rolled = controller->rollback("shop", "the API");
  ASSERT_TRUE(rolled) << rolled.error().message;
  ASSERT_TRUE(rolled->started);
  EXPECT_EQ(rolled->started->generation, 2);
  EXPECT_EQ(rolled->started->rolls_back, 1);
  // Nothing is undone while the old runner is inside its step: two writers would race.
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do hold"}));

  release_held();  // the step ends; the runner's next journal write is fenced, so it stops
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do hold", "undo hold", "undo scale us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::fenced, PlanState::rolled_back}));
  EXPECT_EQ(status().active_region, "us-east-1");
  EXPECT_FALSE(status().lock.locked) << "a fence the operator asked for is not a failure";
}

TEST_F(FailoverControllerTest, APlanLeftRunningByACrashIsRolledBackAtOnceWhenAnOperatorAsks) {
  // Another monitor began a plan and died inside "point at"; its lease ran out long ago.
  {
    const TimePoint began = t0 - 59min;
    journal_left_running(began, {{0, "scale us-west-2", StepPhase::started, began, "", "", "", 0},
                                 {0, "scale us-west-2", StepPhase::done, began, "", "", "", 0},
                                 {1, "point at us-west-2", StepPhase::started, began, "", "", "", 0}});
  }
  start_daemon();
  EXPECT_EQ(status().state, "running") << "it waits for the first round that judges us-east-1";

  // The API could not do this before: the plan had no runner to fence, so nothing undid it.
  const auto rolled = controller->rollback("shop", "the API");
  ASSERT_TRUE(rolled) << rolled.error().message;
  ASSERT_TRUE(rolled->started);
  EXPECT_EQ(rolled->started->rolls_back, 1);
  run_until_idle();
  // The step in flight may have half applied: it is undone too, then the one before it.
  EXPECT_EQ(trace, (std::vector<std::string>{"undo point at us-west-2", "undo scale us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::fenced, PlanState::rolled_back}));
}

TEST_F(FailoverControllerTest, AProposalIsApprovedOnlyWhileItsSourceIsDownAndThenRunsAtOnce) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  round(false);
  round(false);
  round(false);
  EXPECT_TRUE(trace.empty()) << "manual-approval proposes, it does not move";
  EXPECT_EQ(status().state, "awaiting_approval");

  const auto approved = controller->approve("shop", "the API");
  ASSERT_TRUE(approved) << approved.error().message;
  EXPECT_TRUE(approved->runs_now);
  ASSERT_TRUE(approved->started);
  EXPECT_EQ(approved->started->generation, 1) << "the proposal runs as its own generation";
  run_until_idle();
  EXPECT_EQ(status().active_region, "us-west-2");
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

TEST_F(FailoverControllerTest, AProposalWhoseSourceRecoveredIsWithdrawnAndCannotBeApproved) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  round(false);
  round(false);
  round(false);
  ASSERT_EQ(status().state, "awaiting_approval");
  round(true);  // us-east-1 answers again before anyone looked
  EXPECT_EQ(journal_states(), (std::vector{PlanState::withdrawn}));
  const auto approved = controller->approve("shop", "the API");
  ASSERT_FALSE(approved);
  EXPECT_EQ(approved.error().kind, RefusalKind::conflict);
  EXPECT_TRUE(trace.empty());
}

TEST_F(FailoverControllerTest, ADeclinedProposalIsNotProposedAgainAtTheNextRound) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  for (int i = 0; i < 3; ++i) round(false);
  ASSERT_TRUE(controller->decline("shop", "the API"));
  // Still down, but the operator said no ten seconds ago: the cool-down counts the declined move.
  for (int i = 0; i < 5; ++i) round(false);
  EXPECT_EQ(journal_states(), (std::vector{PlanState::declined}));
  EXPECT_EQ(status().decision->rule, "cool-down");
}

TEST_F(FailoverControllerTest, AProposalNobodyAnswersExpiresAfterProposalTtl) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  for (int i = 0; i < 3; ++i) round(false);
  pass(config.applications.front().policy.proposal_ttl);
  round(false);
  EXPECT_EQ(journal_states(), (std::vector{PlanState::expired}));
  EXPECT_FALSE(controller->approve("shop", "the API")) << "an expired proposal is not approved hours later";
}

TEST_F(FailoverControllerTest, AHaltedPlanLocksTheApplicationUntilAnOperatorUnlocksItWithAReason) {
  promote = true;
  fail_point = true;
  start_daemon();
  for (int i = 0; i < 4; ++i) round(false);
  // The replica was promoted, then pointing the application at it kept failing: going back would
  // make two writers, so the plan rolled forward until its deadline and halted.
  EXPECT_EQ(journal_states(), (std::vector{PlanState::halted}));
  EXPECT_TRUE(status().lock.locked);
  EXPECT_EQ(std::ranges::count(trace, std::string("undo promote us-west-2")), 0);

  trace.clear();
  for (int i = 0; i < 5; ++i) round(false);
  EXPECT_TRUE(trace.empty()) << "a locked application is not automated";
  const auto execute = controller->execute("shop", "", "the API");
  ASSERT_FALSE(execute);
  EXPECT_EQ(execute.error().kind, RefusalKind::locked);

  const auto without_reason = controller->unlock("shop", "", "the API");
  ASSERT_FALSE(without_reason);
  EXPECT_EQ(without_reason.error().kind, RefusalKind::invalid);
  const auto unlocked = controller->unlock("shop", "writer is us-west-2, app points at it", "the API");
  ASSERT_TRUE(unlocked) << unlocked.error().message;
  EXPECT_NE(unlocked->was.reason.find("halted"), std::string::npos) << unlocked->was.reason;
  EXPECT_FALSE(status().lock.locked);
  EXPECT_NE(open_journal()->lock("shop")->reason.find("writer is us-west-2"), std::string::npos)
      << "the reason is journaled";
}

TEST_F(FailoverControllerTest, ACommandLineCannotActOnAnApplicationALiveDaemonOwns) {
  start_daemon();
  const auto command = start(ControllerSetup::Role::command, command_holder);
  EXPECT_EQ(command->status("shop")->owner->holder.owner, daemon_holder.owner) << "status needs no lease";
  const auto execute = command->execute("shop", "", "the command line");
  ASSERT_FALSE(execute);
  EXPECT_EQ(execute.error().kind, RefusalKind::not_owner);
  EXPECT_NE(execute.error().message.find("monitor-a:10:1"), std::string::npos) << execute.error().message;
  EXPECT_TRUE(trace.empty());
}

TEST_F(FailoverControllerTest, ACommandLineTakesTheLeaseOnlyForAnOperationThatChangesSomething) {
  const auto command = start(ControllerSetup::Role::command, command_holder);
  EXPECT_FALSE(open_journal()->lease("shop").value()) << "starting (and status) take no lease";
  const auto started = command->execute("shop", "", "the command line");
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(open_journal()->lease("shop").value()->holder.owner, command_holder.owner);
  for (int i = 0; i < 1000 && command->busy(); ++i) io.run_for(5ms);
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
  // Without rounds the command line cannot judge the target: its readiness says so instead of
  // passing on the daemon's word.
  EXPECT_EQ(command->status("shop")->active_region, "us-west-2");
}

TEST_F(FailoverControllerTest, APlanLeftRunningIsResumedWhileItsSourceIsStillDown) {
  journal_left_running(t0 - 30s);
  start_daemon();
  round(false);
  round(false);
  EXPECT_TRUE(trace.empty()) << "no decision until a round shows whether us-east-1 is still down";
  round(false);
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

TEST_F(FailoverControllerTest, APlanLeftRunningLongerThanMaxResumeAgeIsRolledBackWhateverTheRoundsSay) {
  {
    const TimePoint began = t0 - 16min;
    journal_left_running(began, {{0, "scale us-west-2", StepPhase::started, began, "", "", "", 0}});
  }
  start_daemon();
  round(false);  // us-east-1 is failing, but what the plan knew is 16 minutes old
  EXPECT_EQ(trace, (std::vector<std::string>{"undo scale us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::rolled_back}));
}

// Section 2: outside automatic mode nothing resumes on its own. The operator is told what the
// rounds say and approves the resume (or rolls back).
TEST_F(FailoverControllerTest, InManualApprovalAPlanLeftRunningWaitsForTheOperatorsWord) {
  config = shop_config(FailoverMode::manual_approval);
  journal_left_running(t0 - 30s);
  start_daemon();
  for (int i = 0; i < 4; ++i) round(false);
  EXPECT_TRUE(trace.empty()) << "us-east-1 is down, but resuming is the operator's call";
  EXPECT_TRUE(std::ranges::any_of(notifications, [](const std::string& n) {
    return n.find("us-east-1 is still down: approve to resume it") != std::string::npos;
  }));
  const auto approved = controller->approve("shop", "the API");
  ASSERT_TRUE(approved) << approved.error().message;
  run_until_idle();
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

// Section 3: the page of a halted plan is a runbook: which irreversible step took effect, that the
// old writer must not take writes, what is left to do, and how to unlock.
TEST_F(FailoverControllerTest, AHaltedPlanPagesWithARunbookThatNamesTheWriterAndTheUnlock) {
  promote = true;
  fail_point = true;
  start_daemon();
  for (int i = 0; i < 4; ++i) round(false);
  const auto page = std::ranges::find_if(notifications, [](const std::string& n) {
    return n.find("left as it is (irreversible): promote us-west-2") != std::string::npos;
  });
  ASSERT_NE(page, notifications.end());
  EXPECT_NE(page->find("us-west-2's database is the writer now"), std::string::npos) << *page;
  EXPECT_NE(page->find("nothing writes to the old one in us-east-1"), std::string::npos) << *page;
  EXPECT_NE(page->find("regionguard failover unlock shop --reason"), std::string::npos) << *page;
}

// Section 2: cool-down counts from when a plan actually starts. A proposal approved 20 minutes
// after it was made ran then; a relapse 5 minutes after the run is still within the cool-down.
TEST_F(FailoverControllerTest, CoolDownCountsFromWhenAnApprovedPlanRanNotFromItsProposal) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  for (int i = 0; i < 3; ++i) round(false);
  pass(20min);
  round(false);
  ASSERT_TRUE(controller->approve("shop", "the API"));
  run_until_idle();
  ASSERT_EQ(status().active_region, "us-west-2");
  pass(5min);
  for (int i = 0; i < 3; ++i) round(true, false);  // us-west-2 now fails in turn
  EXPECT_EQ(status().decision->rule, "cool-down") << status().decision->reason;
}

// Section 6: the wall clock jumps two hours ahead (an NTP step) while a proposal waits. Nobody let
// 30 minutes pass: the proposal is still there for the operator.
TEST_F(FailoverControllerTest, AWallClockJumpDoesNotExpireAProposal) {
  config = shop_config(FailoverMode::manual_approval);
  start_daemon();
  for (int i = 0; i < 3; ++i) round(false);
  ASSERT_EQ(status().state, "awaiting_approval");
  jump(2h);
  round(false);
  EXPECT_EQ(journal_states(), (std::vector{PlanState::proposed}));
  EXPECT_TRUE(controller->approve("shop", "the API"));
}

// Section 6: a plan left running 5 minutes ago, read by a daemon whose wall clock then jumps an
// hour ahead: still young enough to resume (max_resume_age is 15 minutes of real time).
TEST_F(FailoverControllerTest, AWallClockJumpDoesNotMakeAPlanLeftRunningTooOldToResume) {
  journal_left_running(t0 - 5min);
  start_daemon();
  round(false);
  jump(1h);
  round(false);
  round(false);
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

// --- Several agents (issue 17) -------------------------------------------------------------------

TEST_F(FailoverControllerTest, InAClusterOneAgentSeeingThePrimaryDownIsOutvotedByTheTwoThatSeeItFine) {
  // This agent's own network to us-east-1 broke; the agents in us-west-2 and eu-west-1 see it fine.
  remote_views = [](TimePoint at) {
    return std::vector{agent_view("us-west-2-agent", true, at), agent_view("eu-west-1-agent", true, at)};
  };
  start_daemon();
  for (int i = 0; i < 6; ++i) round(false);
  EXPECT_TRUE(trace.empty()) << "one vantage point of three is no majority";
  EXPECT_EQ(status().active_region, "us-east-1");
}

TEST_F(FailoverControllerTest, InAClusterTwoAgentsOfThreeSeeingThePrimaryDownMoveIt) {
  remote_views = [](TimePoint at) {
    return std::vector{agent_view("us-west-2-agent", false, at), agent_view("eu-west-1-agent", true, at)};
  };
  start_daemon();
  round(true);
  for (int i = 0; i < 3; ++i) round(false);
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}))
      << "this agent and us-west-2's agree: a majority of three";
  EXPECT_EQ(status().active_region, "us-west-2");
}

TEST_F(FailoverControllerTest, WhileAgentsRunDifferentApplicationsTheLeaderDoesNotActAndSaysWhoOnce) {
  hold_reason = [] {
    return std::optional<std::string>("agents run different applications (a, b run 1f; c runs 2e)");
  };
  start_daemon();
  for (int i = 0; i < 6; ++i) round(false);
  EXPECT_TRUE(trace.empty());
  const auto said = std::ranges::count_if(notifications, [](const std::string& n) {
    return n.find("automation holds: agents run different applications (a, b run 1f; c runs 2e)") != std::string::npos;
  });
  EXPECT_EQ(said, 1) << "named once, not every round";
}

TEST_F(FailoverControllerTest, ADaemonThatTakesTheLeaseOverFromAPredecessorResumesThePlanItLeftRunning) {
  // The owner began a failover and stopped answering; its lease runs for another 25 s. This
  // daemon watches meanwhile, then takes the lease (in a cluster: becomes the leader) and must
  // take the plan up — it would otherwise sit half-done until the next restart.
  {
    auto journal = open_journal();
    ASSERT_TRUE(journal->acquire_lease("shop", crashed_holder, t0 - 5s, 30s)->ours);
    JournalPlan left{"shop", 1, "failover", "us-east-1", "us-west-2", PlanState::running, t0 - 5s, t0 - 5s, "", {}, {}, {}, {}, {}, {}, {}};
    ASSERT_EQ(journal->begin_plan(left, crashed_holder.owner).value(), JournalWrite::ok);
  }
  start_daemon();
  round(false);
  round(false);
  EXPECT_TRUE(trace.empty()) << "the owner's lease is still live: not ours to touch";
  for (int i = 0; i < 3; ++i) round(false);
  EXPECT_EQ(trace, (std::vector<std::string>{"do scale us-west-2", "do point at us-west-2"}));
  EXPECT_EQ(journal_states(), (std::vector{PlanState::completed}));
}

}  // namespace
}  // namespace rg::act
