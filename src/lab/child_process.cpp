#include "lab/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace rg::lab {

std::optional<std::filesystem::path> find_executable(std::string_view name,
                                                     std::span<const std::filesystem::path> extra_dirs) {
  std::vector<std::filesystem::path> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string_view rest = path;
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      dirs.emplace_back(rest.substr(0, colon));
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  for (const auto& dir : dirs) {
    const auto candidate = dir / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string file_tail(const std::filesystem::path& file, std::size_t max_lines) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > max_lines) {
      lines.pop_front();
    }
  }
  std::string tail;
  for (const auto& line : lines) {
    tail += line;
    tail += '\n';
  }
  return tail;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::filesystem::path& output_file) {
  if (argv.empty()) {
    throw std::invalid_argument("ChildProcess: empty argv");
  }
  // Everything the child needs is prepared before fork: between fork and exec in a
  // multi-threaded process only async-signal-safe calls are allowed (no allocation).
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  const std::string output = output_file.string();
  const pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::system_error(errno, std::generic_category(), "fork " + argv.front());
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // A parent that waits for signals with sigwait (`regionguard lab`) blocks them; exec keeps
    // the mask, and a server that cannot get SIGTERM would never stop.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::getppid() != parent) {
      ::_exit(127);  // the parent died before prctl took effect
    }
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (null_fd < 0 || out_fd < 0) {
      ::_exit(127);
    }
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    // Sockets of the test process (the fault proxy's, say) must not stay open in the server.
    ::close_range(3, ~0u, 0);
    ::execv(args[0], args.data());
    const char* reason = ::strerror(errno);
    const char prefix[] = "exec failed: ";
    (void)!::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    (void)!::write(STDERR_FILENO, args[0], std::strlen(args[0]));
    (void)!::write(STDERR_FILENO, ": ", 2);
    (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
    (void)!::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::record_status(int wait_status) {
  exit_status_ = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

bool ChildProcess::running() {
  if (exit_status_) {
    return false;
  }
  int status = 0;
  const pid_t result = ::waitpid(pid_, &status, WNOHANG);
  if (result == pid_) {
    record_status(status);
    return false;
  }
  return result == 0;
}

int ChildProcess::wait() {
  while (!exit_status_) {
    int status = 0;
    const pid_t result = ::waitpid(pid_, &status, 0);
    if (result == pid_) {
      record_status(status);
    } else if (result < 0 && errno != EINTR) {
      exit_status_ = -1;  // not our child any more; nothing to wait for
    }
  }
  return *exit_status_;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) {
    return;
  }
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (running()) {
    ::kill(pid_, SIGKILL);
  }
  wait();
}

int run_command(std::vector<std::string> argv, const std::filesystem::path& output_file) {
  ChildProcess child(std::move(argv), output_file);
  return child.wait();
}

}  // namespace rg::lab
