#include "act/failover/exec_step.h"

#include <unistd.h>

#include <cstdlib>

#include "act/failover/async_process.h"
#include "config/duration.h"

namespace rg::act {
namespace {

// A word as a reader can paste it back into a shell.
std::string quoted(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\n'\"\\$`*?;&|<>(){}") == std::string::npos) return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) out += (out.empty() ? "" : " ") + quoted(word);
  return out;
}

std::string failure(const ExecCommand& command, const ProcessOutcome& outcome) {
  std::string what = command.argv[0];
  if (outcome.timed_out)
    what += " did not finish within " + format_duration(command.timeout) +
            ": its process group was killed (raise the step's timeout if it needs longer)";
  else if (outcome.signal != 0)
    what += " was killed by signal " + std::to_string(outcome.signal);
  else
    what += " exited with status " + std::to_string(outcome.exit_status);
  const auto output = tail_excerpt(outcome.output, kKeptCommandOutput);
  return what + (output.empty() ? "; it printed nothing" : "; its output ends: " + output);
}

}  // namespace

std::string describe(const ExecCommand& command) {
  return "run " + command_line(command.argv) + " (timeout " + format_duration(command.timeout) + ")";
}

std::expected<std::string, std::string> find_command(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) != 0) return std::unexpected(name + " is not an executable file");
    return name;
  }
  const char* path = std::getenv("PATH");
  const std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir(dirs.substr(start, end - start));
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::unexpected(name + " is not found in PATH (" + std::string(dirs) + ")");
}

StepFunction exec_function(boost::asio::any_io_executor executor, ExecCommand command, CustomCallFacts facts) {
  return [executor, command = std::move(command), facts = std::move(facts)](StepCallback done) {
    if (!executor) return done(std::unexpected("no event loop for commands was given to the plan"));
    ProcessSpec spec;
    spec.argv = command.argv;
    for (const auto& field : custom_call_fields(facts)) spec.environment.push_back(field);
    spec.timeout = command.timeout;
    spec.kill_grace = command.kill_grace;
    spec.keep_output = kKeptCommandOutput + 256;  // a little more, so the excerpt can start at a line
    run_process_async(executor, std::move(spec),
                      [command, done = std::move(done)](std::expected<ProcessOutcome, std::string> outcome) {
                        if (!outcome) return done(std::unexpected(outcome.error()));
                        if (!outcome->succeeded()) return done(std::unexpected(failure(command, *outcome)));
                        done(tail_excerpt(outcome->output, kKeptCommandOutput));
                      });
  };
}

}  // namespace rg::act
