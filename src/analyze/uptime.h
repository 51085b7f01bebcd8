#pragma once
// Uptime over a window comes from the store as counts (UptimeStats, with its own uptime_percent()).
// UptimeStats is a plain value of core/, so analyze/ neither includes nor links the store.
#include "core/observation.h"

namespace rg {

// Adds two endpoints' (or two windows') counts. Combining counts, not percentages, weights each
// endpoint by how many checks it had: averaging 100% over 1 check with 0% over 99 would say 50%,
// the counts say 1%.
UptimeStats combine(const UptimeStats& a, const UptimeStats& b);

}  // namespace rg
