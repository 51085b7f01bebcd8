#pragma once
// Route 53's `inverted` checks: healthy when the target fails. Applied to every kind of check, in
// one place, before the result is classified and stored.
#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

void apply_inversion(const EndpointConfig& endpoint, ProbeResult& result);

}  // namespace rg
