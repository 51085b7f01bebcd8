#include "common/required_tools.h"

#include <fmt/format.h>
#include <unistd.h>

#include <string>

#include "common/proc_stats.h"
#include "support/child_process.h"

namespace rg::bench {

void require_tools(std::span<const RequiredTool> tools, const std::filesystem::path& probe_load) {
  std::string missing;
  for (const auto& [tool, package] : tools)
    if (!rg::test::find_executable(tool, kSbinDirs))
      missing += fmt::format("  {} not found: apt-get install -y {}\n", tool, package);
  if (::access(probe_load.c_str(), X_OK) != 0)
    missing += fmt::format("  {} not found: build it (cmake --build --preset release --target {})\n",
                           probe_load.string(), probe_load.filename().string());
  if (!missing.empty()) throw MissingTool("missing tools (scripts/install-deps.sh installs them all):\n" + missing);
}

}  // namespace rg::bench
