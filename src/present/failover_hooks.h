#pragma once
// What the API asks of the failover controller (act/failover/failover_controller.h, turned into
// these by present/failover_api.h): the applications' state for GET /api/v1/applications, the
// operations of POST /api/v1/failover/{app}/{op}, and the data-plane gate GET /gate/{app}/{region}.
// Every member may be empty when no controller runs.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "present/api_response.h"

namespace rg {

// The gate of one region of one application: open (200) when traffic should go there.
struct GateAnswer {
  bool open = false;
  std::string active_region;
};

struct FailoverHooks {
  std::function<nlohmann::json()> applications;
  // op: plan, execute, approve, decline, rollback, unlock; body: {"to": REGION} (plan, execute; optional). The
  // token is checked before this is called.
  std::function<ApiResponse(const std::string& app, const std::string& op, const nlohmann::json& body)> act;
  // nullopt: no such application, region, or the application serves no gate.
  std::function<std::optional<GateAnswer>(const std::string& app, const std::string& region)> gate;
  // Changes whenever any gate's answer may have changed, so that answers can be made ahead and
  // served as they are. Empty: every request asks `gate`.
  std::function<std::uint64_t()> gate_generation;
};

}  // namespace rg
