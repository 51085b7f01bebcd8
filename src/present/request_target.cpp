#include "present/request_target.h"

#include <algorithm>
#include <charconv>

#include "config/duration.h"

namespace rg {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Year 9999 ends here; later times do not fit ISO 8601's four-digit years.
constexpr std::int64_t kMaxUnixSeconds = 253'402'300'799;

std::expected<TimePoint, std::string> parse_unix_seconds(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (whole.empty() || ec != std::errc{} || end != whole.data() + whole.size() || seconds > kMaxUnixSeconds ||
      (dot != std::string_view::npos && (fraction.empty() || !std::ranges::all_of(fraction, is_digit))))
    return std::unexpected("`" + std::string(text) + "` is not a time (ISO 8601 with a zone, or Unix seconds)");
  std::int64_t micros = 0;
  for (std::size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return from_unix_us(seconds * 1'000'000 + micros);
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::expected<RequestTarget, std::string> parse_request_target(std::string_view target) {
  RequestTarget parsed;
  std::string absolute_path;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() ||
        !std::ranges::equal(target.substr(0, scheme.size()), scheme,
                            [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      continue;
    const std::string_view rest = target.substr(scheme.size());
    const auto authority_end = rest.find_first_of("/?#");
    parsed.authority = std::string(rest.substr(0, authority_end));
    if (parsed.authority->empty() || parsed.authority->find('@') != std::string::npos)
      return std::unexpected("the request target's authority must be a host (and port), without user information");
    absolute_path = authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
    if (!absolute_path.starts_with('/')) absolute_path.insert(0, "/");
    target = absolute_path;
    break;
  }
  if (!target.starts_with('/')) return std::unexpected("the request target must be a path starting with /");
  const auto question = target.find('?');
  const auto raw_path = target.substr(0, question);
  auto path = percent_decode(raw_path);
  if (!path) return std::unexpected("malformed percent-encoding in the path");
  parsed.path = std::move(*path);
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  if (const auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!name || !value) return std::unexpected("malformed percent-encoding in the query");
    parsed.query.emplace_back(std::move(*name), std::move(*value));
  }
  return parsed;
}

std::expected<QueryParams, std::string> QueryParams::parse(
    const std::vector<std::pair<std::string, std::string>>& query, const std::vector<std::string_view>& known) {
  QueryParams params;
  for (const auto& [name, value] : query) {
    if (std::ranges::find(known, name) == known.end()) {
      std::string expected;
      for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      return std::unexpected("unknown parameter `" + name + "`" +
                             (known.empty() ? " (this route takes none)" : " (expected: " + expected + ")"));
    }
    if (params.has(name)) return std::unexpected("parameter `" + name + "` given more than once");
    params.values_.emplace_back(name, value);
  }
  return params;
}

std::optional<std::string> QueryParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_)
    if (key == name) return value;
  return std::nullopt;
}

std::expected<TimePoint, std::string> parse_api_time(std::string_view text) {
  const std::string invalid = "`" + std::string(text) + "` is not a time (ISO 8601 with a zone, or Unix seconds)";
  if (!text.empty() && std::ranges::all_of(text, [](char c) { return is_digit(c) || c == '.'; }))
    return parse_unix_seconds(text);
  // YYYY-MM-DDTHH:MM:SS
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (text.size() < 20 || !year || !month || !day || !hour || !minute || !second || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::unexpected(invalid);
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::unexpected(invalid);
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (text[pos] == '.') {
    std::size_t count = 0;
    for (++pos; pos < text.size() && is_digit(text[pos]); ++pos, ++count)
      if (count < 6) micros = micros * 10 + (text[pos] - '0');
    if (count == 0) return std::unexpected(invalid);
    for (; count < 6; ++count) micros *= 10;
  }
  std::int64_t offset_minutes = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && digits(zone, 1, 2) &&
             digits(zone, 4, 2) && *digits(zone, 1, 2) <= 23 && *digits(zone, 4, 2) <= 59) {
    offset_minutes = (*digits(zone, 1, 2) * 60 + *digits(zone, 4, 2)) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::unexpected(invalid);
  }
  const auto seconds = std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(*hour) +
                       std::chrono::minutes(*minute) + std::chrono::seconds(*second) -
                       std::chrono::minutes(offset_minutes);
  return TimePoint{std::chrono::duration_cast<std::chrono::microseconds>(seconds) + std::chrono::microseconds(micros)};
}

std::expected<std::chrono::milliseconds, std::string> parse_api_duration(std::string_view text) {
  auto duration = parse_duration(text);
  if (!duration) return std::unexpected(duration.error());
  return *duration;
}

std::expected<std::size_t, std::string> parse_count(std::string_view text, std::size_t max) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > max)
    return std::unexpected("`" + std::string(text) + "` is not a whole number from 1 to " + std::to_string(max));
  return value;
}

}  // namespace rg
