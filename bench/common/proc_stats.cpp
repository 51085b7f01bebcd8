#include "proc_stats.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "summary.h"

namespace rg::bench {

std::string tail_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

void broken(const std::string& what, const std::string& output) {
  throw std::runtime_error(fmt::format("{}\n--- its output (tail) ---\n{}", what, tail_lines(output, 15)));
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> stat_fields(pid_t pid) {
  const std::string stat = read_text(fmt::format("/proc/{}/stat", pid));
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 > stat.size()) return {};
  std::istringstream in(stat.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

double cpu_seconds_of(pid_t pid) {
  const auto fields = stat_fields(pid);
  if (fields.size() < 13) return kNaN;  // utime is field 14, stime 15: indexes 11 and 12 here
  return (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double runqueue_wait_s_of(pid_t pid) {
  double total_ns = 0;
  bool any = false;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream in(task.path() / "schedstat");
    double on_cpu_ns = 0;
    double waiting_ns = 0;
    if (in >> on_cpu_ns >> waiting_ns) {
      total_ns += waiting_ns;
      any = true;
    }
  }
  return any ? total_ns / 1e9 : kNaN;
}

double peak_rss_mb_of(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return kNaN;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const auto pid = static_cast<pid_t>(std::stol(name));
    const auto fields = stat_fields(pid);
    if (fields.size() > 1 && std::stol(fields[1]) == parent) children.push_back(pid);  // field 4: ppid
  }
  return children;
}

std::string load_averages() {
  std::istringstream in(read_text("/proc/loadavg"));
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

double load_average_1m() {
  std::ifstream in("/proc/loadavg");
  double one_minute = kNaN;
  in >> one_minute;
  return one_minute;
}

}  // namespace rg::bench
