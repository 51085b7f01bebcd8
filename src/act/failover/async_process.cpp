#include "act/failover/async_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

extern char** environ;

namespace rg::act {
namespace {

using namespace std::chrono_literals;

// Once the command has ended, output still in the pipe arrives at once; a grandchild that keeps
// the pipe open is waited for only this long.
constexpr auto kDrainAfterExit = 200ms;

// This process's environment with `extra` set on top.
std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    const bool replaced = std::ranges::any_of(extra, [&](const auto& pair) { return pair.first == name; });
    if (!replaced) out.emplace_back(text);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class ProcessWatch : public std::enable_shared_from_this<ProcessWatch> {
 public:
  ProcessWatch(boost::asio::any_io_executor executor, ProcessSpec spec, ProcessDone done)
      : executor_(executor),
        spec_(std::move(spec)),
        done_(std::move(done)),
        pipe_(executor),
        pidfd_(executor),
        timer_(executor),
        drain_(executor) {}

  ~ProcessWatch() {
    // The loop went away with the command still running: nothing is left behind.
    if (pid_ > 0 && !reaped_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }

  // An error when the command could not be started.
  std::optional<std::string> start() {
    if (spec_.argv.empty() || spec_.argv[0].empty()) return "empty command";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("cannot make a pipe: ") + std::strerror(errno);
    const int read_end = fds[0];
    const int write_end = fds[1];

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, write_end, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group, so that a timeout ends what it started too; signals as a fresh
    // program expects them (the daemon blocks some and ignores SIGPIPE).
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int s : {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    auto args = spec_.argv;
    auto env = environment_with(spec_.environment);
    const int rc = ::posix_spawnp(&pid_, spec_.argv[0].c_str(), &actions, &attributes, pointers(args).data(),
                                  pointers(env).data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(write_end);
    if (rc != 0) {
      ::close(read_end);
      pid_ = -1;
      return "cannot run " + spec_.argv[0] + ": " + std::strerror(rc);
    }
    pipe_.assign(read_end);
    // The system call itself: glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) pidfd_.assign(pidfd);
    read_output();
    watch_exit();
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->time_out();
    });
    return std::nullopt;
  }

 private:
  void read_output() {
    pipe_.async_read_some(boost::asio::buffer(buffer_),
                          [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                            self->keep(n);
                            if (error) {
                              self->pipe_open_ = false;
                              return self->maybe_finish();
                            }
                            self->read_output();
                          });
  }

  void keep(std::size_t n) {
    outcome_.output.append(buffer_.data(), n);
    // Trimmed in chunks, not per read: the output stays the last keep_output bytes at the end.
    if (outcome_.output.size() > 2 * spec_.keep_output + buffer_.size()) trim_output();
  }

  void trim_output() {
    if (outcome_.output.size() <= spec_.keep_output) return;
    outcome_.output.erase(0, outcome_.output.size() - spec_.keep_output);
    outcome_.truncated = true;
  }

  // The pidfd turns readable when the command ends; without one (a kernel before 5.3), it is
  // polled.
  void watch_exit() {
    if (pidfd_.is_open()) {
      pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                        [self = shared_from_this()](const boost::system::error_code& error) {
                          if (!error) self->exited();
                        });
      return;
    }
    auto poll = std::make_shared<boost::asio::steady_timer>(executor_, 50ms);
    poll->async_wait([self = shared_from_this(), poll](const boost::system::error_code&) {
      int status = 0;
      if (::waitpid(self->pid_, &status, WNOHANG) == self->pid_) return self->reaped(status);
      self->watch_exit();
    });
  }

  void exited() {
    // Not reaped yet, so the group id cannot have been reused: after a timeout, what the command
    // started goes with it.
    if (outcome_.timed_out) ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped(status);
  }

  void reaped(int status) {
    reaped_ = true;
    if (WIFEXITED(status)) outcome_.exit_status = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome_.signal = WTERMSIG(status);
    timer_.cancel();
    pidfd_.close();
    drain_.expires_after(kDrainAfterExit);
    drain_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->pipe_.close();  // its read ends with operation_aborted: finish
    });
    maybe_finish();
  }

  void time_out() {
    if (reaped_) return;
    outcome_.timed_out = true;
    ::kill(-pid_, SIGTERM);
    timer_.expires_after(spec_.kill_grace);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error && !self->reaped_) ::kill(-self->pid_, SIGKILL);
    });
  }

  void maybe_finish() {
    if (!reaped_ || pipe_open_ || finished_) return;
    finished_ = true;
    drain_.cancel();
    trim_output();
    boost::asio::post(executor_, [done = std::move(done_), outcome = std::move(outcome_)]() mutable {
      done(std::move(outcome));
    });
  }

  boost::asio::any_io_executor executor_;
  ProcessSpec spec_;
  ProcessDone done_;
  boost::asio::posix::stream_descriptor pipe_;
  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer drain_;
  std::array<char, 4096> buffer_{};
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool pipe_open_ = true;
  bool finished_ = false;
  ProcessOutcome outcome_;
};

}  // namespace

void run_process_async(boost::asio::any_io_executor executor, ProcessSpec spec, ProcessDone done) {
  auto watch = std::make_shared<ProcessWatch>(executor, std::move(spec), done);
  if (const auto error = watch->start())
    boost::asio::post(executor, [done = std::move(done), error = *error] { done(std::unexpected(error)); });
}

}  // namespace rg::act
