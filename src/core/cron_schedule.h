#pragma once
// Cron schedules for the daemon's jobs (`jobs:` in the configuration: ami_sync, drills), in the
// five-field syntax operators already know from crontab(5), always in UTC: a daemon that moves
// traffic between regions has no single local time zone worth honouring.
//
//   minute hour day-of-month month day-of-week
//   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
//
// Each field is `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (a to the end of the
// field), or a comma list of these. Months and week days may be named (jan-dec, sun-sat, any
// case). Macros: @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
//
// Day of month and day of week follow Vixie cron: when both are restricted (neither starts with
// `*`), a day matches if EITHER matches ("0 0 13 * fri" runs on every 13th and every Friday);
// when one starts with `*`, both must match, so a plain `*` leaves only the other one ("*/2" with
// "fri" is Fridays on odd days).
#include <bitset>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace rg {

class CronSchedule {
 public:
  // The error says which field is wrong and why: "hour `24`: out of range 0-23".
  static std::expected<CronSchedule, std::string> parse(std::string_view text);

  // The first time after `t` (strictly; on whole minutes) that the schedule fires, in UTC.
  // It looks as far ahead as the calendar needs (400 years, after which it repeats, week days
  // included), so nullopt means the schedule never fires; parse refuses those ("0 0 30 2 *"), so
  // in practice it is always set, even for a schedule forty years apart ("0 0 29 2 */7").
  std::optional<TimePoint> next_after(TimePoint t) const;

  // The latest time at or before `t` that the schedule fired: the "slot" a job run belongs to, so
  // that a run retried later in the same slot is recognised as the same run.
  std::optional<TimePoint> latest_at_or_before(TimePoint t) const;

  const std::string& text() const { return text_; }
  // Equal schedules fire at the same times (a configuration reload compares them).
  friend bool operator==(const CronSchedule&, const CronSchedule&) = default;

 private:
  bool day_matches(int month_day, int week_day) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> month_days_;  // 1-31
  std::bitset<13> months_;      // 1-12
  std::bitset<7> week_days_;    // 0 (Sunday) - 6
  bool month_day_star_ = false;
  bool week_day_star_ = false;
};

}  // namespace rg
