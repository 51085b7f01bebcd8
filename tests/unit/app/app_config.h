#pragma once
// Configurations for the app tests, loaded the way the binary loads them.
#include <stdexcept>
#include <string>

#include "config/config_loader.h"

namespace rg::test {

inline Config load_config(const std::string& yaml) {
  auto config = load_config_string(yaml, "a.yaml");
  if (!config) throw std::runtime_error(to_string(config.error()));
  return std::move(*config);
}

}  // namespace rg::test
