#pragma once
// A child process watched on the event loop, for plan steps that run a command (exec_step.h):
// argv with no shell, its standard output and error merged into one pipe read asynchronously, its
// end seen through a pidfd (so a grandchild that keeps the pipe open does not hold the step), and
// a timeout that ends its whole process group (SIGTERM, then SIGKILL after a grace period).
//
// aws/credential_process.h runs a command too, but blocking, on a worker thread, collecting
// stdout apart from stderr; this one must never block the loop, which runs the whole plan.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rg::act {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0]: an absolute path, or a name looked up in PATH
  // Added to this process's environment, replacing variables of the same name.
  std::vector<std::pair<std::string, std::string>> environment;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds kill_grace{std::chrono::seconds(2)};  // SIGTERM to SIGKILL, on timeout
  std::size_t keep_output = 4096;  // the last bytes of output kept; earlier ones are dropped
};

struct ProcessOutcome {
  int exit_status = 0;     // when it exited
  int signal = 0;          // the signal that ended it, 0 when it exited
  bool timed_out = false;  // its group was killed after the timeout
  std::string output;      // stdout and stderr as written, the last keep_output bytes
  bool truncated = false;  // output dropped from the front
  bool succeeded() const { return !timed_out && signal == 0 && exit_status == 0; }
};

// Error: it could not be started (no such command, not executable, no pipe); nothing ran then.
using ProcessDone = std::function<void(std::expected<ProcessOutcome, std::string>)>;

// Starts `spec` (stdin /dev/null, the working directory of this process, its own process group)
// and calls `done` on `executor` exactly once, never before this returns. If the loop is
// destroyed first, the process group is killed and `done` is not called.
void run_process_async(boost::asio::any_io_executor executor, ProcessSpec spec, ProcessDone done);

}  // namespace rg::act
