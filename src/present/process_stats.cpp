#include "present/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rg {
namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces and parentheses, so
// the split starts after its closing parenthesis). fields[0] is the state, field 3 of proc(5).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

std::optional<double> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double value = 0;
      if (in >> value) return value;
      return std::nullopt;
    }
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

std::optional<std::uint64_t> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return std::nullopt;
  std::uint64_t count = 0;
  while (const dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  closedir(dir);
  return count > 0 ? count - 1 : 0;  // not the descriptor opendir itself holds
}

}  // namespace

ProcessStats read_process_stats() {
  ProcessStats stats;
  const auto fields = stat_fields();
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  // proc(5) numbers: utime 14, stime 15, starttime 22, vsize 23, rss 24; fields[0] is number 3.
  const auto field = [&](int number) -> std::optional<double> {
    const auto index = static_cast<std::size_t>(number - 3);
    if (index >= fields.size()) return std::nullopt;
    double value = 0;
    const auto& text = fields[index];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
  };
  const auto utime = field(14), stime = field(15), start = field(22), vsize = field(23), rss = field(24);
  if (utime && stime && ticks > 0) stats.cpu_seconds = (*utime + *stime) / static_cast<double>(ticks);
  const auto boot = boot_time_seconds();
  if (start && boot && ticks > 0) stats.start_time_seconds = *boot + *start / static_cast<double>(ticks);
  if (vsize) stats.virtual_memory_bytes = *vsize;
  if (rss && page > 0) stats.resident_memory_bytes = *rss * static_cast<double>(page);
  stats.open_fds = count_open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) stats.max_fds = limit.rlim_cur;
  return stats;
}

}  // namespace rg
