#pragma once
// YAML -> validated Config. Every problem in the file is reported at once, each pointing at the
// offending value: "regionguard.yaml:14:7: endpoints[3].timeout: must be less than interval".
// The schema is documented at the top of config/regionguard.yaml.
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"

namespace rg {

// Reads and loads a file. Messages name the file by `path` exactly as given. An unreadable file
// gives one error without a position: "PATH: cannot read: No such file or directory".
std::expected<Config, std::vector<ConfigError>> load_config_file(const std::string& path);

// Loads YAML text; `file_name` is used in messages and to resolve a relative store.path (against
// the directory part of `file_name`). Errors are sorted by line, then column.
std::expected<Config, std::vector<ConfigError>> load_config_string(std::string_view yaml,
                                                                   const std::string& file_name);

}  // namespace rg
