#pragma once
// The failover controller's operations as the API serves them (POST /api/v1/failover/{app}/{op},
// GET /api/v1/applications, GET /gate/{app}/{region}): a refusal's kind becomes a status code,
// a status becomes docs/api.md's JSON. The controller decides; this only translates.
#include <nlohmann/json.hpp>
#include <vector>

#include "act/failover/failover_controller.h"
#include "present/api_response.h"
#include "present/failover_hooks.h"

namespace rg {

FailoverHooks failover_hooks(act::FailoverController& controller);

nlohmann::json application_json(const act::ApplicationStatus& status);
nlohmann::json applications_json(const std::vector<act::ApplicationStatus>& applications);

// 404 unknown, 400 invalid, 409 conflict / not_owner / locked, 503 unavailable.
ApiResponse refusal_response(const act::Refusal& refusal);

}  // namespace rg
