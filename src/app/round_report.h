#pragma once
// How `regionguard probe` shows a round: the seed's endpoint table (coloured on a terminal, plain
// when piped) or JSON. Also the exit code the command returns for it.
#include <string>

#include "analyze/round_analyzer.h"

namespace rg {

std::string render_table(const AnalyzedRound& round, bool colour);
// One JSON object per round; its endpoint, region and summary objects are the HTTP API's.
std::string render_json(const AnalyzedRound& round, const Config& config);

// 0 when every endpoint is healthy, 1 when the worst is warning, 2 when any is critical (the
// Nagios convention monitoring users script against).
int exit_code_for(const HealthSummary& summary);

}  // namespace rg
