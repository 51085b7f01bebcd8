#pragma once
// Reading the `server:` section (the daemon's HTTP/WebSocket server, docs/api.md) into
// ServerConfig, with every problem reported as file:line:col: server.KEY: message.
#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

extern const std::vector<std::string_view> server_keys;

// `value` is the section (absent: every default). Relative paths (tls files, token_file,
// web_root) are resolved against the directory of `config_file`; web_root defaults to
// ../web/dist there when a dashboard is built there (a checkout), else to the installed one
// (config/install_paths.h).
void read_server_section(const std::optional<YamlValue>& value, const std::string& config_file,
                         ServerConfig& server, ErrorList& errors);

}  // namespace rg
