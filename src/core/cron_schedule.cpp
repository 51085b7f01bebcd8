#include "core/cron_schedule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <vector>

namespace rg {
namespace {

namespace chr = std::chrono;

// The Gregorian calendar repeats, week days included, every 400 years (146,097 days, a whole
// number of weeks): a schedule that fires at all fires within any window this long. Shorter
// horizons miss real schedules: 29 February on a Sunday comes 40 years after 2088 (2100 is not a
// leap year), and "0 0 */31 2 mon" (1 February on a Monday) 11 years after 2027.
constexpr chr::days kCalendarCycle{146'097};

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::array<std::string_view, 12>* names;  // names[i] is min + i; nullptr: numbers only
};

constexpr std::array<std::string_view, 12> kMonthNames{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kDayNames{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// Week days go to 7 so that "7" and "mon-sun" (1-7) read as crontab(5) allows; 7 folds onto 0.
constexpr std::array<FieldSpec, 5> kFields{{{"minute", 0, 59, nullptr},
                                            {"hour", 0, 23, nullptr},
                                            {"day-of-month", 1, 31, nullptr},
                                            {"month", 1, 12, &kMonthNames},
                                            {"day-of-week", 0, 7, &kDayNames}}};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::expected<int, std::string> parse_value(std::string_view text, const FieldSpec& spec) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) {
    if (value < spec.min || value > spec.max)
      return std::unexpected("`" + std::string(text) + "` is out of range " + std::to_string(spec.min) + "-" +
                             std::to_string(spec.max));
    return value;
  }
  if (spec.names) {
    const auto name = lower(text);
    for (std::size_t i = 0; i < spec.names->size(); ++i)
      if (!(*spec.names)[i].empty() && (*spec.names)[i] == name) return spec.min + static_cast<int>(i);
  }
  if (text.empty()) return std::unexpected(std::string("a value is missing"));
  return std::unexpected("`" + std::string(text) + "` is not a number" +
                         (spec.names == &kMonthNames ? " or a month name (jan-dec)"
                          : spec.names               ? " or a day name (sun-sat)"
                                                     : ""));
}

struct ParsedField {
  std::uint64_t bits = 0;
  bool star = false;  // starts with `*`: unrestricted for the day-of-month/day-of-week rule
};

std::expected<ParsedField, std::string> parse_field(std::string_view text, const FieldSpec& spec) {
  ParsedField out;
  out.star = text.starts_with('*');
  for (const auto item : split(text, ',')) {
    const auto slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const auto [end, error] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (error != std::errc() || end != step_text.data() + step_text.size() || step < 1 || step > spec.max)
        return std::unexpected("`" + std::string(item) + "`: the step must be a number from 1 to " +
                               std::to_string(spec.max));
    }
    int first = spec.min, last = spec.max;
    if (base != "*") {
      const auto dash = base.find('-');
      const auto low = parse_value(base.substr(0, dash), spec);
      if (!low) return std::unexpected("`" + std::string(item) + "`: " + low.error());
      first = *low;
      if (dash != std::string_view::npos) {
        const auto high = parse_value(base.substr(dash + 1), spec);
        if (!high) return std::unexpected("`" + std::string(item) + "`: " + high.error());
        last = *high;
        if (last < first)
          return std::unexpected("`" + std::string(item) + "`: the range goes backwards (write " +
                                 std::to_string(last) + "-" + std::to_string(first) + ", or a list)");
      } else if (slash == std::string_view::npos) {
        last = first;  // a single value; "a/n" runs from a to the end of the field
      }
    }
    for (int v = first; v <= last; v += step) out.bits |= std::uint64_t{1} << v;
  }
  return out;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros{{{"@yearly", "0 0 1 1 *"},
                                                                               {"@annually", "0 0 1 1 *"},
                                                                               {"@monthly", "0 0 1 * *"},
                                                                               {"@weekly", "0 0 * * 0"},
                                                                               {"@daily", "0 0 * * *"},
                                                                               {"@midnight", "0 0 * * *"},
                                                                               {"@hourly", "0 * * * *"}}};

constexpr std::array<int, 13> kMaxMonthDays{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

}  // namespace

std::expected<CronSchedule, std::string> CronSchedule::parse(std::string_view text) {
  std::string_view fields_text = text;
  while (!fields_text.empty() && std::isspace(static_cast<unsigned char>(fields_text.front())))
    fields_text.remove_prefix(1);
  while (!fields_text.empty() && std::isspace(static_cast<unsigned char>(fields_text.back())))
    fields_text.remove_suffix(1);
  if (fields_text.starts_with('@')) {
    const auto name = lower(fields_text);
    const auto macro = std::ranges::find(kMacros, std::string_view(name), &std::pair<std::string_view, std::string_view>::first);
    if (macro == kMacros.end())
      return std::unexpected("`" + std::string(fields_text) +
                             "` is not a known macro (@yearly, @monthly, @weekly, @daily, @hourly)");
    fields_text = macro->second;
  }
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < fields_text.size();) {
    if (std::isspace(static_cast<unsigned char>(fields_text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < fields_text.size() && !std::isspace(static_cast<unsigned char>(fields_text[j]))) ++j;
    fields.push_back(fields_text.substr(i, j - i));
    i = j;
  }
  if (fields.size() != 5)
    return std::unexpected("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                           std::to_string(fields.size()) +
                           (fields.size() == 6 ? " (a seconds or year field is not supported)" : ""));

  CronSchedule schedule;
  schedule.text_ = std::string(text);
  std::array<ParsedField, 5> parsed;
  for (std::size_t i = 0; i < 5; ++i) {
    auto field = parse_field(fields[i], kFields[i]);
    if (!field) return std::unexpected(std::string(kFields[i].name) + " " + field.error());
    parsed[i] = *field;
  }
  schedule.minutes_ = std::bitset<60>(parsed[0].bits);
  schedule.hours_ = std::bitset<24>(parsed[1].bits);
  schedule.month_days_ = std::bitset<32>(parsed[2].bits);
  schedule.months_ = std::bitset<13>(parsed[3].bits);
  schedule.week_days_ = std::bitset<7>((parsed[4].bits | (parsed[4].bits >> 7)) & 0x7f);  // 7 is Sunday too
  schedule.month_day_star_ = parsed[2].star;
  schedule.week_day_star_ = parsed[4].star;

  // Only the day of month decides: it must exist in at least one chosen month ("30 2" never does).
  if (schedule.week_day_star_ && !schedule.month_day_star_) {
    bool occurs = false;
    for (int month = 1; month <= 12 && !occurs; ++month)
      for (int day = 1; day <= kMaxMonthDays[month] && !occurs; ++day)
        occurs = schedule.months_[month] && schedule.month_days_[day];
    if (!occurs) return std::unexpected(std::string("the day-of-month never occurs in the chosen months"));
  }
  return schedule;
}

bool CronSchedule::day_matches(int month_day, int week_day) const {
  const bool dom = month_days_[month_day];
  const bool dow = week_days_[week_day];
  if (month_day_star_ || week_day_star_) return dom && dow;  // the starred one matches every day
  return dom || dow;
}

std::optional<TimePoint> CronSchedule::next_after(TimePoint t) const {
  auto at = chr::floor<chr::minutes>(t) + chr::minutes{1};
  const auto limit = at + kCalendarCycle;
  while (at <= limit) {
    const auto day = chr::floor<chr::days>(at);
    const chr::year_month_day date{day};
    if (!months_[static_cast<unsigned>(date.month())]) {
      const auto next = chr::year_month{date.year(), date.month()} + chr::months{1};
      at = chr::sys_days{next / chr::day{1}};
      continue;
    }
    if (!day_matches(static_cast<int>(static_cast<unsigned>(date.day())),
                     static_cast<int>(chr::weekday{day}.c_encoding()))) {
      at = day + chr::days{1};
      continue;
    }
    const chr::hh_mm_ss time{at - day};
    const auto hour = time.hours().count();
    if (!hours_[static_cast<std::size_t>(hour)]) {
      at = day + chr::hours{hour + 1};
      continue;
    }
    if (!minutes_[static_cast<std::size_t>(time.minutes().count())]) {
      at += chr::minutes{1};
      continue;
    }
    return chr::time_point_cast<chr::microseconds>(at);
  }
  return std::nullopt;
}

std::optional<TimePoint> CronSchedule::latest_at_or_before(TimePoint t) const {
  using namespace std::chrono_literals;
  // Widening windows: a frequent schedule is found in the first, cheaply; a yearly one in the last.
  for (const chr::microseconds window : {chr::microseconds(2h), chr::microseconds(48h), chr::microseconds(32 * 24h),
                                         chr::microseconds(367 * 24h), chr::microseconds(8 * 366 * 24h),
                                         chr::microseconds(kCalendarCycle)}) {
    std::optional<TimePoint> latest;
    for (auto fire = next_after(t - window); fire && *fire <= t; fire = next_after(*fire)) latest = fire;
    if (latest) return latest;
  }
  return std::nullopt;
}

}  // namespace rg
