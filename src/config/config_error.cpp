#include "config/config_error.h"

namespace rg {

std::string ConfigError::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  text += ": ";
  if (!path.empty()) {
    text += path + ": ";
  }
  return text + message;
}

std::string to_string(const std::vector<ConfigError>& errors) {
  std::string text;
  for (const ConfigError& error : errors) {
    text += error.to_string() + '\n';
  }
  return text;
}

}  // namespace rg
