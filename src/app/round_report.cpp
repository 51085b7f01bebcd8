#include "app/round_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "present/json_views.h"

namespace rg {
namespace {

constexpr std::string_view kReset = "\x1b[0m";

std::string_view colour_of(HealthStatus status) {
  switch (status) {
    case HealthStatus::healthy: return "\x1b[32m";
    case HealthStatus::warning: return "\x1b[33m";
    case HealthStatus::critical: return "\x1b[31;1m";
  }
  return "";
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string latency_text(const EndpointState& state) {
  return state.success ? fmt::format("{:.1f}ms", static_cast<double>(state.latency.count()) / 1000.0) : "-";
}

std::string uptime_text(const std::optional<double>& percent) {
  return percent ? fmt::format("{:.1f}%", *percent) : "-";
}

// This round's result of each endpoint, for the columns the summary state does not carry.
class ResultIndex {
 public:
  explicit ResultIndex(const AnalyzedRound& round) {
    for (const auto& o : round.observations) by_id_[o.result.endpoint_id] = &o.result;
  }
  const ProbeResult* find(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string, const ProbeResult*> by_id_;
};

}  // namespace

std::string render_table(const AnalyzedRound& round, bool colour) {
  struct Row {
    HealthStatus status;
    std::array<std::string, 9> cells;
  };
  std::vector<Row> rows;
  const std::array<std::string, 9> header{"STATUS", "SERVICE", "REGION", "ENDPOINT", "RESPONSE TIME", "IP ADDRESS",
                                          "UPTIME", "LAST CHECK", "DETAIL"};
  bool any_detail = false;
  const ResultIndex results(round);
  for (const auto& s : round.states) {
    std::string detail;
    const auto* result = results.find(s.endpoint_id);
    if (!s.success) {
      detail = std::string(to_string(s.failure));
      if (result && !result->error.empty()) detail += ": " + result->error;
    } else if (result && !result->warnings.empty()) {
      for (const auto& warning : result->warnings) detail += (detail.empty() ? "" : "; ") + warning;
    }
    any_detail = any_detail || !detail.empty();
    rows.push_back({s.status,
                    {upper(to_string(s.status)), s.service_display, s.region, s.hostname, latency_text(s),
                     s.first_address.empty() ? "-" : s.first_address, uptime_text(s.uptime_percent()),
                     format_clock(s.last_check), detail}});
  }
  const std::size_t columns = any_detail ? 9 : 8;
  std::array<std::size_t, 9> width{};
  for (std::size_t c = 0; c < columns; ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r.cells[c].size());
  }
  auto line = [&](const std::array<std::string, 9>& cells, std::optional<HealthStatus> status) {
    std::string out;
    for (std::size_t c = 0; c < columns; ++c) {
      const bool last = c + 1 == columns;
      std::string cell = last ? cells[c] : fmt::format("{:<{}}", cells[c], width[c]);
      if (c == 0 && colour && status) cell = fmt::format("{}{}{}", colour_of(*status), cell, kReset);
      out += cell;
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string text = line(header, std::nullopt);
  for (const auto& r : rows) text += line(r.cells, r.status);

  const auto& s = round.summary;
  text += fmt::format("\n{} endpoints: {} healthy, {} warning, {} critical; avg response {:.1f} ms; uptime {}\n",
                      s.total, s.healthy, s.warning, s.critical,
                      static_cast<double>(s.average_latency.count()) / 1000.0, uptime_text(s.uptime_percent));
  for (const auto& region : s.regions)
    text += fmt::format("  {:<14} {}/{} healthy  health score {}\n", region.region, region.healthy, region.total,
                        region.health_score ? fmt::format("{:.0f}", *region.health_score) : "-");
  for (const auto& event : round.events) text += fmt::format("  event: {}\n", event.message);
  return text;
}

std::string render_json(const AnalyzedRound& round, const Config& config) {
  using nlohmann::json;
  // The same endpoint, region and summary objects as the HTTP API (present/json_views.h).
  json endpoints = json::array();
  const ResultIndex results(round);
  std::unordered_map<std::string_view, ProbeKind> kinds;
  for (const auto& endpoint : config.endpoints) kinds.emplace(endpoint.id, endpoint.kind);
  for (const auto& s : round.states) {
    const auto kind = kinds.find(s.endpoint_id);
    endpoints.push_back(endpoint_json(s, results.find(s.endpoint_id), kind == kinds.end() ? ProbeKind::dns : kind->second));
  }
  json regions = json::array();
  for (const auto& r : round.summary.regions) regions.push_back(region_json(r, false));
  json events = json::array();
  for (const auto& e : round.events) events.push_back(event_json(e));
  const json out{{"summary", summary_counts_json(round.summary)},
                 {"regions", regions},
                 {"endpoints", endpoints},
                 {"events", events}};
  // Replacement characters rather than an exception for bytes that are not UTF-8 (TXT answers).
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

int exit_code_for(const HealthSummary& summary) {
  if (summary.critical > 0) return 2;
  if (summary.warning > 0) return 1;
  return 0;
}

}  // namespace rg
