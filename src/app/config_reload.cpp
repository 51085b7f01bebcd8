#include "app/config_reload.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "config/config_loader.h"

namespace rg {

ConfigReload::ConfigReload(std::string path, Config initial, TimePoint started) : path_(std::move(path)) {
  configs_.push_back(std::move(initial));
  status_.last_success = started;  // as Prometheus: the first load counts as the last success
}

std::expected<ConfigReload::Loaded, std::vector<std::string>> ConfigReload::load() {
  auto loaded = load_config_file(path_);
  if (!loaded) {
    std::vector<std::string> errors;
    for (const auto& error : loaded.error()) errors.push_back(error.to_string());
    spdlog::error("reload: {} {} in {}; the running configuration is kept", errors.size(),
                  errors.size() == 1 ? "error" : "errors", path_);
    for (const auto& error : errors) spdlog::error("reload: {}", error);
    return std::unexpected(std::move(errors));
  }
  for (const auto& warning : loaded->warnings) spdlog::warn("reload: {}", warning.to_string());
  const Config& previous = current();
  Config next = std::move(*loaded);
  auto diff = diff_configs(previous, next);
  keep_restart_sections(previous, next);
  configs_.push_back(std::move(next));
  spdlog::info("reload: {}: endpoints {} added, {} removed, {} changed, {} unchanged", path_, diff.added.size(),
               diff.removed.size(), diff.changed.size(), diff.unchanged.size());
  if (!diff.applied.empty()) spdlog::info("reload: applied {}", fmt::join(diff.applied, ", "));
  if (!diff.needs_restart.empty())
    spdlog::warn("reload: {} changed but needs a restart; the running values are kept", fmt::join(diff.needs_restart, ", "));
  return Loaded{previous, current(), std::move(diff)};
}

void ConfigReload::record(const ReloadReport& report, TimePoint at) {
  ++status_.reloads;
  status_.last_successful = report.reloaded;
  status_.last_errors = report.errors.size();
  if (report.reloaded) status_.last_success = at;
}

}  // namespace rg
