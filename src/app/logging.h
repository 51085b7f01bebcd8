#pragma once
// The process's one logger ("regionguard", spdlog's default) on stderr: text for a terminal, or
// JSON lines (`--log-format json`, app/json_log_formatter.h) for journald and CloudWatch Logs.
#include <string>
#include <vector>

namespace rg {

// The values `--log-format` accepts.
inline const std::vector<std::string> kLogFormats{"text", "json"};

// `format` is one of kLogFormats, `level` one of spdlog's names (trace ... off).
void set_up_logging(const std::string& format, const std::string& level);

}  // namespace rg
