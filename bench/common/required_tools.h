#pragma once
// What a bench needs on the machine before it starts: the servers and competitors it drives, and
// the probe-load helper built beside it. Missing ones are listed together, each with how to get it.
#include <array>
#include <filesystem>
#include <span>

namespace rg::bench {

// Daemons (knotd, nginx) live outside a user's PATH on Debian.
inline const std::array<std::filesystem::path, 3> kSbinDirs{"/usr/sbin", "/sbin", "/usr/local/sbin"};

struct RequiredTool {
  const char* executable;
  const char* package;  // the Debian package that has it
};

// Throws MissingTool (proc_stats.h) naming every tool not found (with its apt-get line) and
// `probe_load` when it is not an executable (with the build command of its CMake target, which is
// its file name).
void require_tools(std::span<const RequiredTool> tools, const std::filesystem::path& probe_load);

}  // namespace rg::bench
