#include "present/refusals.h"

namespace rg {
namespace {
// Sources remembered for the once-a-minute log; a flood from more sources than this logs more
// often, never unboundedly more memory.
constexpr std::size_t kMaxRemembered = 4096;
}  // namespace

std::string_view to_string(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::too_many_clients: return "too_many_clients";
    case RefusalReason::per_address_limit: return "per_address_limit";
    case RefusalReason::header_timeout: return "header_timeout";
    case RefusalReason::source_not_allowed: return "source_not_allowed";
    case RefusalReason::unknown_host: return "unknown_host";
    case RefusalReason::bad_framing: return "bad_framing";
    case RefusalReason::rate_limited: return "rate_limited";
    case RefusalReason::auth_failed: return "auth_failed";
    case RefusalReason::auth_rate_limited: return "auth_rate_limited";
    case RefusalReason::websocket_flood: return "websocket_flood";
    case RefusalReason::websocket_too_slow: return "websocket_too_slow";
  }
  return "unknown";
}

std::optional<std::uint64_t> RefusalLog::note(RefusalReason reason, const std::string& source,
                                              Clock::time_point now) {
  ++counts_[static_cast<std::size_t>(reason)];
  const std::string key = std::string(to_string(reason)) + ' ' + source;
  auto it = recent_.find(key);
  if (it != recent_.end() && now - it->second.logged < kLogEvery) {
    ++it->second.since;
    return std::nullopt;
  }
  if (it == recent_.end()) {
    if (recent_.size() >= kMaxRemembered)
      std::erase_if(recent_, [&](const auto& entry) { return now - entry.second.logged >= kLogEvery; });
    if (recent_.size() >= kMaxRemembered) recent_.clear();
    it = recent_.emplace(key, Recent{now, 0}).first;
  }
  const std::uint64_t to_log = it->second.since + 1;
  it->second = Recent{now, 0};
  return to_log;
}

}  // namespace rg
