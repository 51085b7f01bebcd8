#pragma once
// What a notification looks like on each wire: the generic webhook's JSON body (documented in
// the README), Slack's incoming-webhook JSON, and the plain text of SNS and e-mail messages.
#include <nlohmann/json.hpp>
#include <string>

#include "analyze/notification.h"

namespace rg {

// {"version": 1, "source": "regionguard", "status": "firing"|"resolved", "group", "severity",
//  "title", "root_cause": {service, region, status} | null, "impact": {services, applications,
//  cascade_risk} | null, "runbook", "alerts": [...], "sent_at"}
nlohmann::json webhook_body(const Notification& notification);
// {"text": title, "blocks": [...]} for Slack (and Mattermost, which reads "text").
nlohmann::json slack_body(const Notification& notification);
// The title, the impact, the runbook and one line per alert: SNS and e-mail bodies.
std::string plain_text(const Notification& notification);

}  // namespace rg
