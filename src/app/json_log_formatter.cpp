#include "app/json_log_formatter.h"

#include <time.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include <fmt/format.h>
#include <spdlog/common.h>
#include <spdlog/details/log_msg.h>

namespace rg {
namespace {

std::string utc_rfc3339(spdlog::log_clock::time_point time) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  auto seconds = static_cast<time_t>(micros / 1'000'000);
  auto fraction = micros % 1'000'000;
  if (fraction < 0) {  // before 1970: keep the fraction positive
    fraction += 1'000'000;
    --seconds;
  }
  tm parts{};
  gmtime_r(&seconds, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                     parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, fraction);
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  nlohmann::ordered_json record;
  record["time"] = utc_rfc3339(msg.time);
  const auto level = spdlog::level::to_string_view(msg.level);
  record["level"] = std::string(level.data(), level.size());
  record["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
  record["message"] = std::string(msg.payload.data(), msg.payload.size());
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(line.data(), line.data() + line.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

}  // namespace rg
