#pragma once
// The configuration section tests' view of a load: every error as "file:line:col: path: message",
// or nothing when the YAML (named a.yaml) is valid.
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace rg::test {

inline std::vector<std::string> errors_of(const std::string& yaml) {
  const auto loaded = load_config_string(yaml, "a.yaml");
  std::vector<std::string> out;
  if (!loaded)
    for (const auto& e : loaded.error()) out.push_back(e.to_string());
  return out;
}

}  // namespace rg::test
