#pragma once

// Real servers in tests (knotd, and later moto_server, postgres) run as child processes in the
// foreground, so the test owns their lifetime and reads their logs when they fail.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rg::lab {

// Looks in $PATH, then in `extra_dirs` (/usr/sbin is often not in a user's PATH).
std::optional<std::filesystem::path> find_executable(std::string_view name,
                                                     std::span<const std::filesystem::path> extra_dirs = {});

// The last `max_lines` lines of a text file ("" if it cannot be read), for error messages.
std::string file_tail(const std::filesystem::path& file, std::size_t max_lines = 20);

class ChildProcess {
 public:
  // Starts argv[0] (a path) with stdin from /dev/null and stdout and stderr appended to
  // `output_file`. If exec fails, the child writes why to `output_file` and exits with 127.
  // The child gets SIGTERM when the thread that started it exits, so a crashed test does not
  // leave servers behind; start long-lived servers from a thread that outlives them.
  ChildProcess(std::vector<std::string> argv, const std::filesystem::path& output_file);
  ~ChildProcess();  // stop()

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // True until the child has exited; reaps it when it has.
  bool running();

  // The exit code, or 128 + signal number, once the child has exited.
  std::optional<int> exit_status() const { return exit_status_; }

  // SIGTERM, then SIGKILL if it has not exited after `grace`; waits for it either way.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

  // Waits until the child exits by itself and returns its status.
  int wait();

 private:
  void record_status(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// Runs a command to completion and returns its exit status (as ChildProcess::exit_status).
int run_command(std::vector<std::string> argv, const std::filesystem::path& output_file);

}  // namespace rg::lab
