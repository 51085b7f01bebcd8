#pragma once
// POST /api/v1/reload's answer (docs/api.md) and the reload metrics.
#include <nlohmann/json.hpp>

#include "present/api_response.h"
#include "present/prometheus_text.h"
#include "present/reload_hooks.h"

namespace rg {

// 200 with what changed when the file was applied; 422 with every error when it was not (the
// running configuration is kept).
ApiResponse reload_response(const ReloadReport& report);
nlohmann::json reload_report_json(const ReloadReport& report);

void render_reload_metrics(PrometheusText& out, const ReloadStatus& status);

}  // namespace rg
