#include "aws/aws_time.h"

#include <chrono>
#include <cstdio>
#include <optional>

namespace rg::aws {
namespace {

using namespace std::chrono;

AwsError bad_time(std::string_view text, std::string_view expected) {
  return make_error(AwsErrorKind::invalid_argument,
                    "bad timestamp '" + std::string(text) + "': expected " + std::string(expected));
}

// Reads n decimal digits at pos; -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s) {
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto when = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
  return time_point_cast<microseconds>(when);
}

}  // namespace

std::string format_amz_date(TimePoint t) {
  const auto day_point = floor<days>(t);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{floor<seconds>(t - day_point)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string format_scope_date(TimePoint t) { return format_amz_date(t).substr(0, 8); }

std::expected<TimePoint, AwsError> parse_amz_date(std::string_view text) {
  constexpr std::string_view kShape = "YYYYMMDDTHHMMSSZ";
  if (text.size() != kShape.size() || text[8] != 'T' || text[15] != 'Z') return std::unexpected(bad_time(text, kShape));
  const int y = digits(text, 0, 4), mo = digits(text, 4, 2), d = digits(text, 6, 2);
  const int h = digits(text, 9, 2), mi = digits(text, 11, 2), s = digits(text, 13, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::unexpected(bad_time(text, kShape));
  auto t = make_time(y, mo, d, h, mi, s);
  if (!t) return std::unexpected(bad_time(text, "a real date and time"));
  return *t;
}

std::expected<TimePoint, AwsError> parse_iso8601(std::string_view text) {
  constexpr std::string_view kShape = "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM)";
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return std::unexpected(bad_time(text, kShape));
  }
  const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::unexpected(bad_time(text, kShape));
  auto base = make_time(y, mo, d, h, mi, s);
  if (!base) return std::unexpected(bad_time(text, "a real date and time"));

  std::size_t pos = 19;
  microseconds fraction{0};
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    std::int64_t scale = 100'000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += microseconds{(text[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::unexpected(bad_time(text, kShape));
  }
  if (pos >= text.size()) return std::unexpected(bad_time(text, "a time zone (Z or +HH:MM)"));
  minutes offset{0};
  const char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    const int oh = digits(text, pos + 1, 2);
    std::size_t mpos = pos + 3;
    if (mpos < text.size() && text[mpos] == ':') ++mpos;
    const int om = digits(text, mpos, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::unexpected(bad_time(text, kShape));
    offset = hours{oh} + minutes{om};
    if (zone == '-') offset = -offset;
    pos = mpos + 2;
  } else {
    return std::unexpected(bad_time(text, kShape));
  }
  if (pos != text.size()) return std::unexpected(bad_time(text, kShape));
  return *base + fraction - offset;
}

}  // namespace rg::aws
