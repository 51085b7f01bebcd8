// The exec custom step against real commands: small shell scripts written into a temp dir, run
// with the plan's facts in their environment, failing, timing out, printing too much.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "act/failover/exec_step.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class ExecStepTest : public ::testing::Test {
 protected:
  // An executable script `name` in the temp dir with this body (after #!/bin/sh).
  std::string script(const std::string& name, const std::string& body) {
    const auto path = (dir.path() / name).string();
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }

  StepResult run(ExecCommand command, CustomPhase phase = CustomPhase::action) {
    std::optional<StepResult> result;
    exec_function(io.get_executor(), std::move(command), {facts, "warm-cache", phase})(
        [&](StepResult r) { result = std::move(r); });
    io.run();
    io.restart();
    EXPECT_TRUE(result.has_value()) << "the step never answered";
    return result.value_or(std::unexpected("no answer"));
  }

  std::string read(const std::string& name) {
    std::ifstream in(dir.path() / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string pid_file() const { return (dir.path() / "child.pid").string(); }
  std::string read_pid_file() { return read("child.pid"); }

  // Whether process `pid` is gone (or a zombie nobody reaps here, which runs no more); waits up to
  // five seconds for it to become so.
  static bool ends(pid_t pid) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string line;
      if (!std::getline(stat, line)) return true;
      const auto state = line.substr(line.rfind(')') + 2, 1);
      if (state == "Z" || state == "X") return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  test::TempDir dir;
  boost::asio::io_context io;
  std::shared_ptr<PlanFacts> facts =
      std::make_shared<PlanFacts>(PlanFacts{"shop", "failover", "us-east-1", "us-west-2", 7});
};

TEST_F(ExecStepTest, TheCommandGetsThePlanFactsInItsEnvironmentAndItsOutputIsTheNote) {
  const auto result = run({{script("facts", "env | grep '^RG_' | sort\n"), "--region"}, 10s});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result,
            "RG_APP=shop\nRG_FROM=us-east-1\nRG_GENERATION=7\nRG_IDEMPOTENCY_KEY=shop:7:warm-cache\n"
            "RG_KIND=failover\nRG_PHASE=action\nRG_STEP=warm-cache\nRG_TO=us-west-2");
}

TEST_F(ExecStepTest, AnUndoSaysSoAndHasAKeyOfItsOwn) {
  const auto result = run({{script("facts", "echo $RG_PHASE $RG_IDEMPOTENCY_KEY\n")}, 10s}, CustomPhase::undo);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, "undo shop:7:warm-cache:undo");
}

TEST_F(ExecStepTest, ArgumentsArriveAsGivenWithNoShellInBetween) {
  const auto result = run({{script("args", "for a in \"$@\"; do echo \"[$a]\"; done\n"), "two words", "$HOME", "*"}, 10s});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, "[two words]\n[$HOME]\n[*]");
}

TEST_F(ExecStepTest, ANonZeroExitFailsWithTheEndOfWhatItPrintedOnBothStreams) {
  const auto result = run({{script("fails", "echo warming up\necho cache unreachable >&2\nexit 3\n")}, 10s});
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error(), HasSubstr("fails exited with status 3; its output ends: warming up\ncache unreachable"));
}

TEST_F(ExecStepTest, ACommandKilledByASignalFailsSayingWhich) {
  const auto result = run({{script("killed", "kill -9 $$\n")}, 10s});
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error(), HasSubstr("was killed by signal 9; it printed nothing"));
}

TEST_F(ExecStepTest, ACommandThatCannotStartFailsSayingWhy) {
  const auto result = run({{(dir.path() / "missing").string()}, 10s});
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error(), HasSubstr("cannot run " + (dir.path() / "missing").string() + ": No such file"));
}

TEST_F(ExecStepTest, ATimeoutKillsTheCommandAndWhatItStartedAndFails) {
  // The command ignores SIGTERM, so only the SIGKILL after the grace period ends it; its child
  // (same process group) must go too.
  const auto command = script("hangs", "trap '' TERM\nsleep 300 &\necho $! > " + pid_file() + "\necho started\nwait\n");
  const auto started = std::chrono::steady_clock::now();
  std::optional<StepResult> result;
  exec_function(io.get_executor(), {{command}, 300ms, 100ms}, {facts, "warm-cache", CustomPhase::action})(
      [&](StepResult r) { result = std::move(r); });
  io.run();
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->has_value());
  EXPECT_THAT(result->error(), HasSubstr("hangs did not finish within 300ms: its process group was killed"));
  EXPECT_THAT(result->error(), HasSubstr("its output ends: started"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  const auto child = std::stoi(read_pid_file());
  EXPECT_TRUE(ends(child)) << "the command's child " << child << " is still running";
}

TEST_F(ExecStepTest, OnlyTheEndOfALongOutputIsKept) {
  const auto result = run({{script("chatty", "i=0; while [ $i -lt 5000 ]; do i=$((i+1)); echo \"line $i\"; done\n")}, 20s});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_LE(result->size(), kKeptCommandOutput + 3);  // "…" is three bytes
  EXPECT_THAT(*result, StartsWith("…line "));
  EXPECT_TRUE(result->ends_with("line 4999\nline 5000")) << result->substr(result->size() - 40);
  EXPECT_THAT(*result, Not(HasSubstr("line 1\n")));
}

TEST_F(ExecStepTest, TheLoopKeepsRunningWhileTheCommandDoes) {
  bool ticked_before_the_end = false;
  std::optional<StepResult> result;
  exec_function(io.get_executor(), {{script("slow", "sleep 0.5\necho done\n")}, 10s},
                {facts, "warm-cache", CustomPhase::action})([&](StepResult r) { result = std::move(r); });
  boost::asio::steady_timer tick(io, 20ms);
  tick.async_wait([&](const boost::system::error_code&) { ticked_before_the_end = !result.has_value(); });
  io.run();
  EXPECT_TRUE(ticked_before_the_end);
  ASSERT_TRUE(result && result->has_value());
  EXPECT_EQ(**result, "done");
}

TEST_F(ExecStepTest, ABackgroundChildHoldingTheOutputDoesNotHoldTheStep) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = run({{script("daemonizes", "sleep 60 &\necho $! > " + pid_file() + "\necho left it running\n")}, 30s});
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, "left it running");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  ::kill(std::stoi(read_pid_file()), SIGKILL);
}

TEST(FindCommand, ABareNameIsLookedUpInPathAndAPathIsCheckedAsItIs) {
  const auto sh = find_command("sh");
  ASSERT_TRUE(sh.has_value()) << sh.error();
  EXPECT_TRUE(sh->ends_with("/sh"));
  EXPECT_THAT(find_command("no-such-command-here").error(), HasSubstr("is not found in PATH"));
  EXPECT_EQ(find_command("/nonexistent/warm-cache").error(), "/nonexistent/warm-cache is not an executable file");
}

TEST(DescribeExec, TheDryRunShowsTheCommandAsItWouldRun) {
  EXPECT_EQ(describe(ExecCommand{{"/usr/local/bin/warm-cache", "--region", "us west"}, 60s}),
            "run /usr/local/bin/warm-cache --region 'us west' (timeout 1m)");
}

}  // namespace
}  // namespace rg::act
