#pragma once
// What the benches read about processes from /proc, and how they fail: a tool missing from the
// machine (exit status 2, with the package to install) or a broken run (exit status 1, with the
// tail of what the tool printed).
#include <sys/types.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace rg::bench {

struct MissingTool : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws std::runtime_error with `what` and the last 15 lines of `output`.
[[noreturn]] void broken(const std::string& what, const std::string& output);
std::string tail_lines(const std::string& text, std::size_t lines);

// The whole file, or "" when it cannot be read.
std::string read_text(const std::filesystem::path& file);

// Fields after "pid (comm) " of /proc/PID/stat (field 3 = state first); empty if it cannot be read.
std::vector<std::string> stat_fields(pid_t pid);
// utime + stime in seconds; NaN when the process is gone.
double cpu_seconds_of(pid_t pid);
// Seconds all threads of a process have spent runnable but waiting for a CPU (schedstat's second
// field); NaN when it cannot be read.
double runqueue_wait_s_of(pid_t pid);
// VmHWM (peak resident set) from /proc/PID/status, in MB; NaN when it cannot be read.
double peak_rss_mb_of(pid_t pid);
// The processes whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent);
// "12.20 12.09 9.35": the 1, 5 and 15 minute load averages; other work on the machine is the main
// source of noise.
std::string load_averages();
// The 1-minute load average alone.
double load_average_1m();

}  // namespace rg::bench
