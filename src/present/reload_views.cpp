#include "present/reload_views.h"

namespace rg {

using nlohmann::json;

json reload_report_json(const ReloadReport& report) {
  json out{{"reloaded", report.reloaded}, {"errors", report.errors}};
  if (!report.reloaded) return out;
  const auto& diff = report.diff;
  out["endpoints"] = {{"added", diff.added},
                      {"removed", diff.removed},
                      {"changed", diff.changed},
                      {"unchanged", diff.unchanged.size()}};
  out["applied"] = diff.applied;
  out["needs_restart"] = diff.needs_restart;
  out["deferred"] = report.deferred;
  return out;
}

ApiResponse reload_response(const ReloadReport& report) {
  return json_response(report.reloaded ? 200 : 422, reload_report_json(report));
}

void render_reload_metrics(PrometheusText& out, const ReloadStatus& status) {
  using Type = PrometheusText::Type;
  out.family("regionguard_config_last_reload_successful", Type::gauge,
             "Whether the last configuration reload succeeded (1) or kept the running configuration (0).");
  out.sample("regionguard_config_last_reload_successful", {}, std::uint64_t{status.last_successful ? 1u : 0u});
  out.family("regionguard_config_last_reload_success_timestamp_seconds", Type::gauge,
             "Unix time of the last successful configuration load (the start, or a reload).");
  out.sample("regionguard_config_last_reload_success_timestamp_seconds", {},
             static_cast<double>(to_unix_us(status.last_success)) / 1e6);
  out.family("regionguard_config_reloads_total", Type::counter, "Configuration reloads attempted (SIGHUP or the API).");
  out.sample("regionguard_config_reloads_total", {}, status.reloads);
  out.family("regionguard_config_last_reload_errors", Type::gauge,
             "Problems found in the configuration file at the last reload (0 when it loaded).");
  out.sample("regionguard_config_last_reload_errors", {}, static_cast<std::uint64_t>(status.last_errors));
}

}  // namespace rg
