#pragma once

// How `regionguard lab run` reports: a timeline line per run with its verdict, one JSON object per
// run (--json), and with --repeat the median and p95 of each step beside Route 53's documented
// figures, so the numbers have something to be read against.

#include "lab/scenario.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <vector>

namespace rg::lab {

// dynamodb-empty-dns  fault 0.00 s · first alert 1.9 s · decision 2.9 s · ... · PASS
void print_run(std::ostream& out, const ScenarioRun& run);

// {"scenario", "verdict": "pass"|"fail", "moves", "client_errors", "client_requests",
//  "journal_state", "active_region", "alerts": [...], "findings": [...],
//  "timeline": {"fault_s", "first_alert_s", "decision_s", "answer_served_s", "client_switched_s"}}
nlohmann::json run_json(const ScenarioRun& run);

// Median and p95 per step over the runs of one scenario, beside Route 53's figures.
void print_summary(std::ostream& out, const std::vector<ScenarioRun>& runs);
nlohmann::json summary_json(const std::vector<ScenarioRun>& runs);

// The value at quantile q (0..1) of `values`, nearest rank; nullopt when empty.
std::optional<double> quantile(std::vector<double> values, double q);

}  // namespace rg::lab
