#pragma once
// What changed in the answer of one endpoint between two successive successful probes: records
// that appeared, records that went away, and TTLs that moved in a way a cache cannot explain.
// The October 2025 us-east-1 outage began as an answer change (the record set went empty), and a
// TTL lowered ahead of a migration, or raised on a failover record, is worth a line in the log.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/probe_result.h"

namespace rg {

struct TtlChange {
  std::string type;
  std::string data;
  std::uint32_t previous_ttl = 0;
  std::uint32_t current_ttl = 0;
  friend bool operator==(const TtlChange&, const TtlChange&) = default;
};

struct AnswerChange {
  std::vector<DnsAnswer> added;    // in the current answer, not in the previous one (by type+data)
  std::vector<DnsAnswer> removed;  // in the previous answer, not in the current one
  std::vector<TtlChange> ttl_changes;
  // One line for logs and events, e.g. "answer set changed: +192.0.2.9 -192.0.2.1; TTL 300→60".
  std::string description;

  bool answer_set_changed() const { return !added.empty() || !removed.empty(); }
};

// How far a TTL may stray from "previous TTL minus the seconds elapsed" and still count as the same
// cached copy: TTLs are whole seconds, resolvers round, and started_at differs from the instant
// the resolver looked at its cache by up to the probe's latency.
inline constexpr std::int64_t ttl_slack_seconds = 2;

// Compares two successive results of one endpoint; nullopt when nothing noteworthy changed or when
// either result is a failure (failures are reported as failures, not as an empty answer set).
//
// Records are matched by (type, data); order and duplicates do not matter.
//
// TTL rule. Through a caching resolver the TTL counts down between probes and jumps back up when
// the copy expires and is fetched again; an authoritative server gives the same TTL every time.
// So for a record present in both answers, with E = seconds between the two probes' started_at
// and aged = previous_ttl - E (what a cache holding the previous copy would say now):
//  * lowered: current_ttl < aged - slack. A cache cannot count down faster than the clock, so the
//    record was re-published with a lower TTL (authoritative: 300 -> 60 is reported at once).
//  * raised: current_ttl > previous_ttl while aged > slack. A cache only hands out a higher TTL
//    after its copy expired; if the previous copy should still be fresh, the TTL really went up.
//  * anything else is ordinary caching and is not reported. In particular, when aged <= slack the
//    copy may have expired between the probes, so any TTL is a plausible refetch: records whose TTL
//    is shorter than the probe interval never report TTL changes (they are refetched every probe
//    anyway, so their TTL matters least).
// Known limits, accepted to stay stateless: a resolver that prefetches before expiry, or an anycast
// pool with several independent caches, can now and then produce a spurious "raised"/"lowered".
// Point the endpoint at the authoritative servers when TTL reporting must be exact.
std::optional<AnswerChange> compare_answers(const ProbeResult& previous, const ProbeResult& current);

}  // namespace rg
