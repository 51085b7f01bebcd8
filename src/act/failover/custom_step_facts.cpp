#include "act/failover/custom_step_facts.h"

#include "core/text.h"

namespace rg::act {

std::string_view to_string(CustomPhase phase) { return phase == CustomPhase::undo ? "undo" : "action"; }

std::string idempotency_key(const CustomCallFacts& facts) {
  std::string key = facts.plan->app + ":" + std::to_string(facts.plan->generation) + ":" + facts.step;
  if (facts.phase == CustomPhase::undo) key += ":undo";
  return key;
}

std::map<std::string, std::string> custom_call_fields(const CustomCallFacts& facts) {
  return {{"RG_APP", facts.plan->app},
          {"RG_KIND", facts.plan->kind},
          {"RG_FROM", facts.plan->from},
          {"RG_TO", facts.plan->to},
          {"RG_GENERATION", std::to_string(facts.plan->generation)},
          {"RG_STEP", facts.step},
          {"RG_PHASE", std::string(to_string(facts.phase))},
          {"RG_IDEMPOTENCY_KEY", idempotency_key(facts)}};
}

std::string tail_excerpt(std::string_view text, std::size_t most) {
  text = trim(text);
  if (text.size() <= most) return std::string(text);
  auto tail = text.substr(text.size() - most);
  // Start at a whole line when one begins in the first quarter of what is kept.
  if (const auto newline = tail.find('\n'); newline != std::string_view::npos && newline < most / 4)
    tail.remove_prefix(newline + 1);
  return "…" + std::string(tail);
}

}  // namespace rg::act
