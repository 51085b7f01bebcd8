// `--log-format json`: one record, one line, one JSON object that journald and CloudWatch Logs can
// index; text that would break a line or the JSON (quotes, newlines, bad UTF-8) stays inside it.
#include "app/json_log_formatter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

namespace rg {
namespace {

std::string format(std::string_view text, spdlog::level::level_enum level, spdlog::log_clock::time_point time) {
  spdlog::details::log_msg msg(time, spdlog::source_loc{}, "regionguard", level,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  JsonLogFormatter().format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonLogFormatter, ARecordIsOneLineOfJsonWithTimeLevelLoggerAndMessage) {
  // 2026-12-07T21:30:00.000250Z
  const spdlog::log_clock::time_point time{std::chrono::seconds{1'796'679'000} + std::chrono::microseconds{250}};
  const std::string line = format("s3.us-east-1 is down: 3 consecutive failures", spdlog::level::warn, time);
  ASSERT_TRUE(line.ends_with("\n"));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line,
            R"({"time":"2026-12-07T21:30:00.000250Z","level":"warning","logger":"regionguard",)"
            R"("message":"s3.us-east-1 is down: 3 consecutive failures"})"
            "\n");
}

TEST(JsonLogFormatter, QuotesNewlinesAndBadUtf8StayInsideTheOneLine) {
  const std::string text = "answer \"a\"\nsecond line \xff end";
  const std::string line = format(text, spdlog::level::err, spdlog::log_clock::time_point{});
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  const auto record = nlohmann::json::parse(line);
  EXPECT_EQ(record["level"], "error");
  EXPECT_EQ(record["time"], "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(record["message"], "answer \"a\"\nsecond line \xEF\xBF\xBD end");
}

}  // namespace
}  // namespace rg
