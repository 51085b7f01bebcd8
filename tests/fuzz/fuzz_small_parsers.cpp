// Fuzz target: the small parsers of configuration values, one per selector byte (tests/fuzz/README.md).
// Each is run on the rest of the input and, when it accepts it, its output is checked against
// itself: what parse accepts, to_string/format must give back in a form parse accepts again.
//
//   0 cron schedule (and next_after / latest_at_or_before from a few instants)
//   1 duration            2 network address       3 CIDR (and contains)
//   4 DNS name            5 target URL
#include <chrono>
#include <cstdlib>
#include <string>

#include "config/dns_name.h"
#include "config/duration.h"
#include "config/network_address.h"
#include "config/target_url.h"
#include "core/cron_schedule.h"
#include "fuzz/fuzz_input.h"

namespace {

// A broken round trip is a bug: abort, so libFuzzer keeps the input.
void require(bool ok) {
  if (!ok) std::abort();
}

void cron(std::string_view text) {
  const auto schedule = rg::CronSchedule::parse(text);
  if (!schedule) return;
  for (const std::int64_t unix_seconds : {0LL, 1'767'225'600LL, 4'102'444'800LL}) {  // 1970, 2026, 2100
    const rg::TimePoint t = rg::from_unix_us(unix_seconds * 1'000'000);
    const auto next = schedule->next_after(t);
    require(next.has_value() && *next > t);  // parse refuses schedules that never fire
    const auto slot = schedule->latest_at_or_before(*next);
    require(slot.has_value() && *slot == *next);
  }
}

void duration(std::string_view text) {
  const auto parsed = rg::parse_duration(text);
  if (parsed) require(rg::parse_duration(rg::format_duration(*parsed)) == parsed);
}

void address(std::string_view text) {
  const auto parsed = rg::parse_network_address(text);
  if (parsed) require(rg::parse_network_address(parsed->to_string()).has_value());
}

void cidr(std::string_view text) {
  const auto parsed = rg::parse_cidr(text);
  if (!parsed) return;
  const auto again = rg::parse_cidr(parsed->to_string());
  require(again.has_value() && *again == *parsed);
  (void)parsed->contains(text);
}

void dns_name(std::string_view text) { (void)rg::dns_name_problem(text); }

void target_url(std::string_view text) { (void)rg::parse_target_url(text); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, rest] = rg::fuzz::select(data, size, 6);
  switch (selector) {
    case 0: cron(rest); break;
    case 1: duration(rest); break;
    case 2: address(rest); break;
    case 3: cidr(rest); break;
    case 4: dns_name(rest); break;
    case 5: target_url(rest); break;
    default: break;
  }
  return 0;
}
