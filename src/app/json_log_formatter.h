#pragma once
// `--log-format json`: each log record as one JSON object on one line, for journald and CloudWatch
// Logs, which index the fields instead of parsing text:
//   {"time":"2026-12-07T21:30:00.123456Z","level":"warning","logger":"regionguard","message":"..."}
// Time is UTC with microseconds (RFC 3339); level is spdlog's name for it (trace, debug, info,
// warning, error, critical). A message that is not valid UTF-8 (a hostile DNS name, say) has its bad
// bytes replaced by U+FFFD rather than breaking the line.
#include <memory>

#include <spdlog/formatter.h>

namespace rg {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace rg
