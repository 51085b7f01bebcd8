#pragma once
// What a custom step (exec_step.h, webhook_step.h) tells the command or the receiver it calls:
// the plan's facts (plan.h), the step and whether this is its action or its undo, and the key a
// receiver dedupes a step run twice with (a resumed plan runs its step in flight again).
#include <map>
#include <memory>
#include <string>

#include "act/failover/plan.h"

namespace rg::act {

enum class CustomPhase { action, undo };

struct CustomCallFacts {
  std::shared_ptr<const PlanFacts> plan;  // never null
  std::string step;                       // the step's name
  CustomPhase phase = CustomPhase::action;
};

std::string_view to_string(CustomPhase phase);  // "action", "undo"

// "app:generation:step" for the action; an undo's ends in ":undo" (a receiver that dedupes must
// not take the undo for a repeat of the action).
std::string idempotency_key(const CustomCallFacts& facts);

// RG_APP, RG_KIND, RG_FROM, RG_TO, RG_GENERATION, RG_STEP, RG_PHASE, RG_IDEMPOTENCY_KEY: the
// command's environment, and (without the prefix, lower-case) the webhook's JSON body.
std::map<std::string, std::string> custom_call_fields(const CustomCallFacts& facts);

// The last `most` bytes of `text`, from a line start when one is near: what a journal row and an
// error keep of a command's output or a receiver's answer. "…" marks a cut.
std::string tail_excerpt(std::string_view text, std::size_t most);

}  // namespace rg::act
