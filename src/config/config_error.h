#pragma once
// One problem found in a configuration file, pointing at the offending value.
#include <string>
#include <vector>

namespace rg {

struct ConfigError {
  std::string file;     // the path as the user gave it, so the message matches what they typed
  int line = 0;         // 1-based; 0 when the problem is the file itself (unreadable)
  int column = 0;       // 1-based; 0 with line 0
  std::string path;     // where in the document: "endpoints[3].timeout"; empty for syntax errors
  std::string message;  // "must be less than interval"

  // "regionguard.yaml:14:7: endpoints[3].timeout: must be less than interval".
  // Without a position: "regionguard.yaml: cannot read: No such file or directory".
  std::string to_string() const;
  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

// One error per line, in order, each ending in '\n': what `regionguard check-config` prints.
std::string to_string(const std::vector<ConfigError>& errors);

}  // namespace rg
