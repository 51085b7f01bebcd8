#include "analyze/answer_change.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace rg {
namespace {

using RecordKey = std::pair<std::string, std::string>;  // (type, data)

// Order-insensitive view of an answer section. A duplicated record keeps its highest TTL: that is
// the one closest to what the server published.
std::map<RecordKey, std::uint32_t> by_record(const std::vector<DnsAnswer>& answers) {
  std::map<RecordKey, std::uint32_t> records;
  for (const auto& answer : answers) {
    auto [it, inserted] = records.try_emplace(RecordKey{answer.type, answer.data}, answer.ttl);
    if (!inserted) it->second = std::max(it->second, answer.ttl);
  }
  return records;
}

// The rule documented in the header.
bool ttl_change_is_reportable(std::uint32_t previous_ttl, std::uint32_t current_ttl,
                              std::int64_t elapsed_seconds) {
  const std::int64_t previous = previous_ttl;
  const std::int64_t current = current_ttl;
  const std::int64_t aged = previous - elapsed_seconds;
  if (aged <= ttl_slack_seconds) return false;  // the copy may have expired: any TTL is a refetch
  if (current > previous) return true;          // raised while the previous copy was still fresh
  return current < aged - ttl_slack_seconds;    // lowered faster than a cache counts down
}

// Addresses speak for themselves; other types carry "/TYPE", as endpoint ids do.
std::string record_label(const std::string& type, const std::string& data) {
  if (type == "A" || type == "AAAA") return data;
  return data + "/" + type;
}

std::string describe(const AnswerChange& change) {
  std::string text;
  if (change.answer_set_changed()) {
    text = "answer set changed:";
    for (const auto& record : change.added) text += " +" + record_label(record.type, record.data);
    for (const auto& record : change.removed) text += " -" + record_label(record.type, record.data);
  }
  if (!change.ttl_changes.empty()) {
    if (!text.empty()) text += "; ";
    text += "TTL";
    // Records of one RRset share a TTL, so the same "300→60" would repeat once per address.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> shown;
    for (const auto& ttl : change.ttl_changes) {
      const std::pair pair{ttl.previous_ttl, ttl.current_ttl};
      if (std::ranges::find(shown, pair) != shown.end()) continue;
      text += fmt::format("{} {}→{}", shown.empty() ? "" : ",", ttl.previous_ttl, ttl.current_ttl);
      shown.push_back(pair);
    }
  }
  return text;
}

}  // namespace

std::optional<AnswerChange> compare_answers(const ProbeResult& previous, const ProbeResult& current) {
  if (!previous.success || !current.success) return std::nullopt;

  const auto before = by_record(previous.answers);
  const auto after = by_record(current.answers);
  // Results normally arrive in order; a negative gap (clock stepped back) is treated as none.
  const std::int64_t elapsed_seconds =
      std::max<std::int64_t>(0, std::chrono::floor<std::chrono::seconds>(current.started_at -
                                                                         previous.started_at)
                                    .count());

  AnswerChange change;
  for (const auto& [key, ttl] : after) {
    const auto it = before.find(key);
    if (it == before.end()) {
      change.added.push_back(DnsAnswer{key.first, key.second, ttl});
    } else if (ttl_change_is_reportable(it->second, ttl, elapsed_seconds)) {
      change.ttl_changes.push_back(TtlChange{key.first, key.second, it->second, ttl});
    }
  }
  for (const auto& [key, ttl] : before) {
    if (!after.contains(key)) change.removed.push_back(DnsAnswer{key.first, key.second, ttl});
  }

  if (!change.answer_set_changed() && change.ttl_changes.empty()) return std::nullopt;
  change.description = describe(change);
  return change;
}

}  // namespace rg
