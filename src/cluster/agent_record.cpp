#include "cluster/agent_record.h"

#include <nlohmann/json.hpp>

namespace rg::cluster {
namespace {

using nlohmann::json;

// Enumerations travel as their numbers (the record's schema number covers their meaning); a
// number out of range makes the record unreadable rather than a wrong vote.
template <class Enum>
Enum enum_from(const json& value, Enum last) {
  const auto number = value.get<int>();
  if (number < 0 || number > static_cast<int>(last)) throw std::out_of_range("enumeration out of range");
  return static_cast<Enum>(number);
}

json state_json(const EndpointState& s) {
  json out{{"id", s.endpoint_id},
           {"region", s.region},
           {"service", s.service},
           {"kind", static_cast<int>(s.kind)},
           {"priority", static_cast<int>(s.priority)},
           {"status", static_cast<int>(s.status)},
           {"ok", s.success},
           {"failure", static_cast<int>(s.failure)},
           {"latency_us", s.latency.count()},
           {"at_us", to_unix_us(s.last_check)},
           {"interval_ms", s.interval.count()}};
  if (s.resource) {
    out["resource"] = {{"state", s.resource->state}, {"healthy", s.resource->healthy}, {"expected", s.resource->expected}};
    if (s.resource->replica_lag_seconds) out["resource"]["replica_lag_s"] = *s.resource->replica_lag_seconds;
  }
  return out;
}

EndpointState state_from(const json& j) {
  EndpointState s;
  s.endpoint_id = j.at("id").get<std::string>();
  s.region = j.at("region").get<std::string>();
  s.service = j.value("service", "");
  s.kind = enum_from(j.at("kind"), ProbeKind::cloudwatch_alarm);
  s.priority = enum_from(j.at("priority"), Priority::critical);
  s.status = enum_from(j.at("status"), HealthStatus::critical);
  s.success = j.at("ok").get<bool>();
  s.failure = enum_from(j.value("failure", json(0)), FailureKind::aws_api);
  s.latency = std::chrono::microseconds(j.at("latency_us").get<std::int64_t>());
  s.last_check = from_unix_us(j.at("at_us").get<std::int64_t>());
  s.interval = std::chrono::milliseconds(j.at("interval_ms").get<std::int64_t>());
  if (const auto resource = j.find("resource"); resource != j.end()) {
    ResourceDetails details;
    details.state = resource->value("state", "");
    details.healthy = resource->value("healthy", 0);
    details.expected = resource->value("expected", 0);
    if (resource->contains("replica_lag_s")) details.replica_lag_seconds = resource->at("replica_lag_s").get<double>();
    s.resource = details;
  }
  return s;
}

template <class Parse>
auto parse_record(std::string_view text, Parse parse) -> std::expected<decltype(parse(json{})), std::string> {
  try {
    const auto j = json::parse(text);
    const int schema = j.at("schema").get<int>();
    if (schema != kRecordSchema)
      return std::unexpected("schema " + std::to_string(schema) + ", this agent reads schema " +
                             std::to_string(kRecordSchema) + " (agents of different versions?)");
    return parse(j);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("unreadable record: ") + e.what());
  }
}

}  // namespace

std::string to_json(const AgentRecord& r) {
  json states = json::array();
  for (const auto& state : r.states) states.push_back(state_json(state));
  return json{{"schema", kRecordSchema},
              {"name", r.name},
              {"owner", r.owner},
              {"host", r.host},
              {"pid", r.pid},
              {"api_url", r.api_url},
              {"digest", r.digest},
              {"started_us", to_unix_us(r.started_at)},
              {"round_us", to_unix_us(r.round_at)},
              {"rounds", r.rounds},
              {"interval_ms", r.interval.count()},
              {"states", std::move(states)}}
      .dump();
}

std::expected<AgentRecord, std::string> agent_from_json(std::string_view text) {
  return parse_record(text, [](const json& j) {
    AgentRecord r;
    r.name = j.at("name").get<std::string>();
    r.owner = j.value("owner", "");
    r.host = j.value("host", "");
    r.pid = j.value("pid", std::int64_t{0});
    r.api_url = j.value("api_url", "");
    r.digest = j.value("digest", "");
    r.started_at = from_unix_us(j.value("started_us", std::int64_t{0}));
    r.round_at = from_unix_us(j.value("round_us", std::int64_t{0}));
    r.rounds = j.value("rounds", std::uint64_t{0});
    r.interval = std::chrono::milliseconds(j.value("interval_ms", std::int64_t{0}));
    for (const auto& state : j.at("states")) r.states.push_back(state_from(state));
    return r;
  });
}

std::string to_json(const LeaderRecord& r) {
  return json{{"schema", kRecordSchema}, {"name", r.name}, {"owner", r.owner}, {"host", r.host}, {"pid", r.pid},
              {"api_url", r.api_url}}
      .dump();
}

std::expected<LeaderRecord, std::string> leader_from_json(std::string_view text) {
  return parse_record(text, [](const json& j) {
    LeaderRecord r;
    r.name = j.at("name").get<std::string>();
    r.owner = j.value("owner", "");
    r.host = j.value("host", "");
    r.pid = j.value("pid", std::int64_t{0});
    r.api_url = j.value("api_url", "");
    return r;
  });
}

}  // namespace rg::cluster
