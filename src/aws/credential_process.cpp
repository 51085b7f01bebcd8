#include "aws/credential_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "aws/aws_time.h"
#include "aws/shell_words.h"
#include "core/text.h"

extern char** environ;

namespace rg::aws {
namespace {

constexpr std::size_t kMaxOutput = 1 << 20;  // a credentials document is a few hundred bytes

AwsError process_error(std::string message) { return make_error(AwsErrorKind::credential_process, std::move(message)); }

// Closes a descriptor once; -1 means already closed.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

std::expected<void, AwsError> make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::unexpected(process_error(std::string("pipe: ") + std::strerror(errno)));
  read_end.fd = fds[0];
  write_end.fd = fds[1];
  return {};
}

}  // namespace

std::expected<ProcessResult, AwsError> run_process(const std::vector<std::string>& argv,
                                                   std::chrono::milliseconds timeout) {
  if (argv.empty() || argv[0].empty()) return std::unexpected(process_error("empty command"));
  Fd out_read, out_write, err_read, err_write;
  if (auto ok = make_pipe(out_read, out_write); !ok) return std::unexpected(ok.error());
  if (auto ok = make_pipe(err_read, err_write); !ok) return std::unexpected(ok.error());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawn_rc = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  out_write.reset();
  err_write.reset();
  if (spawn_rc != 0) {
    return std::unexpected(process_error("cannot run '" + argv[0] + "': " + std::strerror(spawn_rc)));
  }

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<pollfd, 2> fds{{{out_read.fd, POLLIN, 0}, {err_read.fd, POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_count = 2;
  while (open_count > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1'000'000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.timed_out = true;  // cannot wait any more: treat like a timeout, the child is killed below
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        if (sinks[i]->size() < kMaxOutput) sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // EOF (the descriptor itself is closed by its Fd)
        --open_count;
      }
    }
  }
  if (result.timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::expected<AwsCredentials, AwsError> parse_credential_process_output(std::string_view json_text) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return std::unexpected(process_error("credential_process output is not a JSON object"));
  }
  const auto version = doc.find("Version");
  if (version == doc.end()) return std::unexpected(process_error("credential_process output has no Version"));
  if (!version->is_number_integer() || version->get<long long>() != 1) {
    return std::unexpected(
        process_error("credential_process output has Version " + version->dump() + "; only 1 is supported"));
  }
  auto text_field = [&](const char* name, bool required) -> std::expected<std::optional<std::string>, AwsError> {
    const auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) {
      if (required) return std::unexpected(process_error(std::string("credential_process output lacks ") + name));
      return std::optional<std::string>{};
    }
    if (!it->is_string() || (required && it->get<std::string>().empty())) {
      return std::unexpected(process_error(std::string("credential_process output has a bad ") + name));
    }
    return std::optional<std::string>{it->get<std::string>()};
  };
  AwsCredentials creds;
  auto access_key = text_field("AccessKeyId", true);
  if (!access_key) return std::unexpected(access_key.error());
  auto secret = text_field("SecretAccessKey", true);
  if (!secret) return std::unexpected(secret.error());
  auto token = text_field("SessionToken", false);
  if (!token) return std::unexpected(token.error());
  auto expiration = text_field("Expiration", false);
  if (!expiration) return std::unexpected(expiration.error());
  auto account = text_field("AccountId", false);
  if (!account) return std::unexpected(account.error());
  creds.access_key_id = std::move(**access_key);
  creds.secret_access_key = std::move(**secret);
  creds.session_token = std::move(*token);
  creds.account_id = std::move(*account);
  if (*expiration) {
    auto when = parse_iso8601(**expiration);
    if (!when) return std::unexpected(process_error("credential_process output has a bad Expiration: " + when.error().message));
    creds.expiration = *when;
  }
  return creds;
}

std::expected<AwsCredentials, AwsError> run_credential_process(std::string_view command,
                                                               std::chrono::milliseconds timeout) {
  auto argv = split_shell_words(command);
  if (!argv) return std::unexpected(process_error("credential_process: " + argv.error().message));
  if (argv->empty()) return std::unexpected(process_error("credential_process is empty"));
  auto result = run_process(*argv, timeout);
  if (!result) return std::unexpected(result.error());
  const std::string& name = (*argv)[0];
  if (result->timed_out) {
    return std::unexpected(process_error("credential_process '" + name + "' did not finish within " +
                                         std::to_string(timeout.count()) + " ms and was killed"));
  }
  if (result->signal != 0) {
    return std::unexpected(process_error("credential_process '" + name + "' was killed by signal " +
                                         std::to_string(result->signal)));
  }
  if (result->exit_status != 0) {
    std::string message = "credential_process '" + name + "' exited with status " + std::to_string(result->exit_status);
    if (const std::string err{trim(result->err)}; !err.empty()) message += ": " + err;
    return std::unexpected(process_error(std::move(message)));
  }
  return parse_credential_process_output(result->out);
}

}  // namespace rg::aws
