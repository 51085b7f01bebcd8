// Cron schedules: parsing (every field form, names, macros, clear errors) and next_after in UTC
// across month ends, leap years and the day-of-month/day-of-week OR rule of Vixie cron.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/cron_schedule.h"

namespace rg {
namespace {

namespace chr = std::chrono;

// "2026-03-01 12:34" (UTC) as a TimePoint.
TimePoint at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  const chr::sys_days day{chr::year{y} / chr::month{mo} / chr::day{d}};
  return chr::time_point_cast<chr::microseconds>(day + chr::hours{h} + chr::minutes{mi} + chr::seconds{s});
}

CronSchedule cron(const std::string& text) {
  auto parsed = CronSchedule::parse(text);
  if (!parsed) throw std::runtime_error(text + ": " + parsed.error());
  return *parsed;
}

std::string next(const std::string& text, TimePoint from) {
  const auto n = cron(text).next_after(from);
  return n ? format_iso8601(*n) : "never";
}

std::string error_of(const std::string& text) {
  const auto parsed = CronSchedule::parse(text);
  return parsed ? "ok" : parsed.error();
}

TEST(CronSchedule, DailyAtThreeIsTodayBeforeThreeAndTomorrowAfter) {
  EXPECT_EQ(next("0 3 * * *", at(2026, 5, 10, 1, 0)), "2026-05-10T03:00:00.000Z");
  EXPECT_EQ(next("0 3 * * *", at(2026, 5, 10, 3, 0)), "2026-05-11T03:00:00.000Z");  // strictly after
  EXPECT_EQ(next("0 3 * * *", at(2026, 5, 10, 2, 59, 59)), "2026-05-10T03:00:00.000Z");
}

TEST(CronSchedule, NextIsOnAWholeMinuteEvenFromTheMiddleOfOne) {
  EXPECT_EQ(next("* * * * *", at(2026, 1, 1, 0, 0, 30)), "2026-01-01T00:01:00.000Z");
}

TEST(CronSchedule, ListsRangesAndSteps) {
  EXPECT_EQ(next("*/15 * * * *", at(2026, 1, 1, 0, 16)), "2026-01-01T00:30:00.000Z");
  EXPECT_EQ(next("*/15 * * * *", at(2026, 1, 1, 0, 46)), "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(next("5,35 * * * *", at(2026, 1, 1, 0, 6)), "2026-01-01T00:35:00.000Z");
  EXPECT_EQ(next("0 9-17/4 * * *", at(2026, 1, 1, 10, 0)), "2026-01-01T13:00:00.000Z");
  EXPECT_EQ(next("0 9-17/4 * * *", at(2026, 1, 1, 17, 0)), "2026-01-02T09:00:00.000Z");
  EXPECT_EQ(next("10/20 * * * *", at(2026, 1, 1, 0, 31)), "2026-01-01T00:50:00.000Z");  // a/n: a to the end
  EXPECT_EQ(next("0 0 1-3,20 * *", at(2026, 1, 3, 1, 0)), "2026-01-20T00:00:00.000Z");
}

TEST(CronSchedule, MonthAndDayNamesInAnyCase) {
  // 2026-01-01 is a Thursday.
  EXPECT_EQ(next("0 8 * * Mon-FRI", at(2026, 1, 2, 9, 0)), "2026-01-05T08:00:00.000Z");
  EXPECT_EQ(next("0 0 1 jun,DEC *", at(2026, 1, 1)), "2026-06-01T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * sun", at(2026, 1, 1)), "2026-01-04T00:00:00.000Z");
}

TEST(CronSchedule, SevenIsSundayToo) {
  EXPECT_EQ(next("0 0 * * 7", at(2026, 1, 1)), "2026-01-04T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * 0", at(2026, 1, 1)), "2026-01-04T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * 5-7", at(2026, 1, 3, 1)), "2026-01-04T00:00:00.000Z");  // Fri-Sun, from Saturday
}

TEST(CronSchedule, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // Every 13th and every Friday: from Thursday 2026-01-01 the next is Friday the 2nd, not the 13th.
  EXPECT_EQ(next("0 0 13 * fri", at(2026, 1, 1)), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(next("0 0 13 * fri", at(2026, 1, 9, 1)), "2026-01-13T00:00:00.000Z");  // Tuesday the 13th
}

TEST(CronSchedule, AStarredDayFieldLeavesOnlyTheOtherOne) {
  // "*/2" starts with a star, so both must match (as Vixie cron): Fridays on odd days. Friday the
  // 2nd is even; Friday the 9th is the first.
  EXPECT_EQ(next("0 0 */2 * fri", at(2026, 1, 1)), "2026-01-09T00:00:00.000Z");
  EXPECT_EQ(next("0 0 13 * *", at(2026, 1, 1)), "2026-01-13T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * fri", at(2026, 1, 2, 1)), "2026-01-09T00:00:00.000Z");
}

TEST(CronSchedule, TheThirtyFirstSkipsShortMonths) {
  EXPECT_EQ(next("0 0 31 * *", at(2026, 1, 31, 1)), "2026-03-31T00:00:00.000Z");  // not Feb
  EXPECT_EQ(next("0 0 31 * *", at(2026, 4, 1)), "2026-05-31T00:00:00.000Z");      // not Apr 31
  EXPECT_EQ(next("0 0 30 * *", at(2026, 1, 30, 1)), "2026-03-30T00:00:00.000Z");
}

TEST(CronSchedule, FebruaryTheTwentyNinthWaitsForALeapYear) {
  EXPECT_EQ(next("0 0 29 2 *", at(2026, 1, 1)), "2028-02-29T00:00:00.000Z");
  EXPECT_EQ(next("0 0 29 2 *", at(2028, 2, 29, 0, 0)), "2032-02-29T00:00:00.000Z");
  // 2100 is not a leap year: from 2096 the next is 2104, eight years on.
  EXPECT_EQ(next("0 0 29 2 *", at(2096, 3, 1)), "2104-02-29T00:00:00.000Z");
  EXPECT_EQ(next("0 12 28-29 feb *", at(2027, 2, 28, 13)), "2028-02-28T12:00:00.000Z");
}

TEST(CronSchedule, YearAndMonthBoundaries) {
  EXPECT_EQ(next("59 23 31 12 *", at(2026, 12, 31, 23, 59)), "2027-12-31T23:59:00.000Z");
  EXPECT_EQ(next("0 0 1 * *", at(2026, 12, 15)), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(next("30 23 * * *", at(2026, 2, 28, 23, 45)), "2026-03-01T23:30:00.000Z");
}

TEST(CronSchedule, Macros) {
  EXPECT_EQ(next("@daily", at(2026, 1, 1, 5)), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(next("@midnight", at(2026, 1, 1, 5)), "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(next("@hourly", at(2026, 1, 1, 5, 1)), "2026-01-01T06:00:00.000Z");
  EXPECT_EQ(next("@weekly", at(2026, 1, 1)), "2026-01-04T00:00:00.000Z");
  EXPECT_EQ(next("@monthly", at(2026, 1, 1)), "2026-02-01T00:00:00.000Z");
  EXPECT_EQ(next("@YEARLY", at(2026, 1, 1)), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(next("@annually", at(2026, 6, 1)), "2027-01-01T00:00:00.000Z");
}

TEST(CronSchedule, ExtraSpacesAreFine) {
  EXPECT_EQ(next("  0   3 *  * *  ", at(2026, 5, 10, 1, 0)), "2026-05-10T03:00:00.000Z");
}

TEST(CronSchedule, LatestAtOrBeforeIsTheSlotOfARun) {
  const auto daily = cron("0 3 * * *");
  EXPECT_EQ(format_iso8601(*daily.latest_at_or_before(at(2026, 5, 10, 3, 20))), "2026-05-10T03:00:00.000Z");
  EXPECT_EQ(format_iso8601(*daily.latest_at_or_before(at(2026, 5, 10, 3, 0))), "2026-05-10T03:00:00.000Z");
  EXPECT_EQ(format_iso8601(*daily.latest_at_or_before(at(2026, 5, 10, 2, 59))), "2026-05-09T03:00:00.000Z");
  EXPECT_EQ(format_iso8601(*cron("*/5 * * * *").latest_at_or_before(at(2026, 5, 10, 2, 59, 30))),
            "2026-05-10T02:55:00.000Z");
  EXPECT_EQ(format_iso8601(*cron("@yearly").latest_at_or_before(at(2026, 5, 10))), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(*cron("0 0 29 2 *").latest_at_or_before(at(2031, 5, 10))), "2028-02-29T00:00:00.000Z");
}

TEST(CronSchedule, ErrorsNameTheFieldAndTheProblem) {
  EXPECT_EQ(error_of("0 3 * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(error_of("0 0 3 * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6 (a seconds or year field is not "
            "supported)");
  EXPECT_EQ(error_of(""), "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
  EXPECT_EQ(error_of("60 * * * *"), "minute `60`: `60` is out of range 0-59");
  EXPECT_EQ(error_of("0 24 * * *"), "hour `24`: `24` is out of range 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"), "day-of-month `0`: `0` is out of range 1-31");
  EXPECT_EQ(error_of("0 0 * 13 *"), "month `13`: `13` is out of range 1-12");
  EXPECT_EQ(error_of("0 0 * * 8"), "day-of-week `8`: `8` is out of range 0-7");
  EXPECT_EQ(error_of("0 0 * foo *"), "month `foo`: `foo` is not a number or a month name (jan-dec)");
  EXPECT_EQ(error_of("0 0 * * monday"), "day-of-week `monday`: `monday` is not a number or a day name (sun-sat)");
  EXPECT_EQ(error_of("0 0 * jan-mon *"), "month `jan-mon`: `mon` is not a number or a month name (jan-dec)");
  EXPECT_EQ(error_of("x * * * *"), "minute `x`: `x` is not a number");
  EXPECT_EQ(error_of("*/0 * * * *"), "minute `*/0`: the step must be a number from 1 to 59");
  EXPECT_EQ(error_of("*/x * * * *"), "minute `*/x`: the step must be a number from 1 to 59");
  EXPECT_EQ(error_of("0 17-9 * * *"), "hour `17-9`: the range goes backwards (write 9-17, or a list)");
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute ``: a value is missing");
  EXPECT_EQ(error_of("@reboot"), "`@reboot` is not a known macro (@yearly, @monthly, @weekly, @daily, @hourly)");
  EXPECT_EQ(error_of("0 0 30 2 *"), "the day-of-month never occurs in the chosen months");
  EXPECT_EQ(error_of("0 0 31 4,6,9,11 *"), "the day-of-month never occurs in the chosen months");
}

TEST(CronSchedule, FebruaryThirtyWithAWeekDayStillFiresOnThatWeekDay) {
  // OR rule: the day of week alone is enough, so this is not "never".
  EXPECT_EQ(error_of("0 0 30 2 mon"), "ok");
  EXPECT_EQ(next("0 0 30 2 mon", at(2026, 1, 1)), "2026-02-02T00:00:00.000Z");
}

TEST(CronSchedule, ARareScheduleIsFoundHoweverFarAheadTheCalendarPutsIt) {
  // `*/31` leaves only the 1st and starts with `*`, so the day must also be a Monday: 1 February
  // is a Monday in 2027 and then not until 2038, eleven years on.
  EXPECT_EQ(next("0 0 */31 2 mon", at(2026, 6, 1)), "2027-02-01T00:00:00.000Z");
  EXPECT_EQ(next("0 0 */31 2 mon", at(2027, 2, 2)), "2038-02-01T00:00:00.000Z");
  // 29 February on a Sunday (`*/7` is Sunday alone): 2088, then 2128, as 2100 is not a leap
  // year: forty years, the longest wait the Gregorian calendar has for a date and a week day.
  EXPECT_EQ(next("0 0 29 2 */7", at(2088, 3, 1)), "2128-02-29T00:00:00.000Z");
  // The slot of a run is found across the same gap.
  const auto slot = cron("0 0 29 2 */7").latest_at_or_before(at(2127, 1, 1));
  ASSERT_TRUE(slot.has_value());
  EXPECT_EQ(format_iso8601(*slot), "2088-02-29T00:00:00.000Z");
}

TEST(CronSchedule, KeepsItsText) { EXPECT_EQ(cron("0 3 * * *").text(), "0 3 * * *"); }

}  // namespace
}  // namespace rg
