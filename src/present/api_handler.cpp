#include "present/api_handler.h"

#include <algorithm>
#include <limits>

#include "config/check_options_reader.h"
#include "present/json_views.h"
#include "present/reload_views.h"
#include "present/request_target.h"
#include "present/static_files.h"

namespace rg {

using nlohmann::json;
using Query = std::vector<std::pair<std::string, std::string>>;

namespace {

using namespace std::chrono_literals;

constexpr std::string_view kReadMethods = "GET, HEAD";
constexpr std::string_view kApiPrefix = "/api/v1/";

bool is_read(std::string_view method) { return method == "GET" || method == "HEAD"; }

// Wrong bearer tokens a source may send: ten, then one every six seconds (ten a minute).
constexpr double kWrongTokensPerSecond = 1.0 / 6.0;
constexpr double kWrongTokenBurst = 10;
// /metrics a source may fetch: Prometheus scrapes every 15 s or so; a dashboard polling it twice
// a second is still fine.
constexpr double kScrapesPerSecond = 10;
constexpr double kScrapeBurst = 20;
constexpr auto kMetricsMaxAge = std::chrono::seconds(1);

std::optional<std::pair<TimePoint, TimePoint>> read_range(const QueryParams& params, TimePoint now,
                                                          std::string& error) {
  const auto from_text = params.get("from");
  const auto to_text = params.get("to");
  TimePoint to = now;
  if (to_text) {
    auto parsed = parse_api_time(*to_text);
    if (!parsed) {
      error = "to: " + parsed.error();
      return std::nullopt;
    }
    to = *parsed;
  }
  TimePoint from = to - 1h;
  if (from_text) {
    auto parsed = parse_api_time(*from_text);
    if (!parsed) {
      error = "from: " + parsed.error();
      return std::nullopt;
    }
    from = *parsed;
  }
  if (from >= to) {
    error = "from must be before to";
    return std::nullopt;
  }
  return std::pair{from, to};
}

std::optional<std::chrono::milliseconds> read_step(const QueryParams& params, TimePoint from, TimePoint to,
                                                   std::string& error) {
  std::chrono::milliseconds step = 60s;
  if (const auto text = params.get("step")) {
    auto parsed = parse_api_duration(*text);
    if (!parsed) {
      error = "step: " + parsed.error();
      return std::nullopt;
    }
    step = *parsed;
  }
  if (step < 1s) {
    error = "step must be at least 1s";
    return std::nullopt;
  }
  // Bounded before anything converts it to microseconds, where 922720385d overflowed. A year of
  // days: a longer step is one bucket for any range the store keeps.
  constexpr std::chrono::days max_step{366};
  if (step > max_step) {
    error = "step must be at most " + std::to_string(max_step.count()) + "d";
    return std::nullopt;
  }
  const auto buckets = bucket_count(from, to, step);
  if (buckets > static_cast<std::int64_t>(kMaxHistoryBuckets)) {
    error = "from, to and step make " + std::to_string(buckets) + " buckets; at most " +
            std::to_string(kMaxHistoryBuckets) + " per request";
    return std::nullopt;
  }
  return step;
}

ApiResponse store_failure(const StoreError& error) { return unavailable("history store: " + error.message); }

}  // namespace

bool is_open_probe(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path.starts_with("/gate/");
}

std::int64_t bucket_count(TimePoint from, TimePoint to, std::chrono::milliseconds step) {
  // A step too long for microseconds counts as the longest there is: one bucket each side of 0.
  constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max() / 1000;
  const std::int64_t step_us = step.count() > max_ms ? std::numeric_limits<std::int64_t>::max() : step.count() * 1000;
  if (step_us <= 0 || to <= from) return 0;
  const auto floor_div = [&](std::int64_t t) { return t / step_us - (t % step_us < 0 ? 1 : 0); };  // no overflow
  return floor_div(to_unix_us(to) - 1) - floor_div(to_unix_us(from)) + 1;
}

json history_json(const std::string& id, TimePoint from, TimePoint to, std::chrono::milliseconds step,
                  const std::vector<HistoryBucket>& buckets) {
  json points = json::array();
  for (const auto& b : buckets) {
    const double average = b.total == 0 ? 0.0 : static_cast<double>(b.latency_sum_us) / static_cast<double>(b.total);
    points.push_back({{"at", format_iso8601(b.at)},
                      {"total", b.total},
                      {"successes", b.successes},
                      {"healthy", b.healthy},
                      {"warning", b.warning},
                      {"critical", b.critical},
                      {"average_latency_ms", average / 1000.0},
                      {"max_latency_ms", static_cast<double>(b.latency_max_us) / 1000.0}});
  }
  return {{"id", id},
          {"from", format_iso8601(from)},
          {"to", format_iso8601(to)},
          {"step_ms", step.count()},
          {"points", std::move(points)}};
}

json stored_trend_json(const std::vector<StateCountBucket>& buckets) {
  json out = json::array();
  for (const auto& b : buckets)
    out.push_back({{"at", format_iso8601(b.at)}, {"healthy", b.healthy}, {"warning", b.warning}, {"critical", b.critical}});
  return out;
}

ApiHandler::ApiHandler(const DashboardState& state, const ProbeMetrics& probes, Options options, Hooks hooks)
    : state_(state),
      probes_(probes),
      options_(std::move(options)),
      hooks_(std::move(hooks)),
      auth_(options_.token),
      hosts_(options_.listen_host, options_.allowed_hosts),
      wrong_tokens_(kWrongTokensPerSecond, kWrongTokenBurst),
      scrapes_(kScrapesPerSecond, kScrapeBurst) {
  options_.token.clear();  // kept only as its digest, in auth_
}

bool ApiHandler::ready() const { return state_.has_round() && options_.store_open; }

// What the listener a request came in on allows, and whether it names this server.
std::optional<ApiResponse> ApiHandler::check_admission(const ApiRequest& request, const RequestTarget& target) const {
  const std::string_view path = target.path;
  switch (request.listener) {
    case ApiRequest::Listener::gate:
      // Route 53's checkers send the health check's own host name: no Host check here.
      if (path.starts_with("/gate/") || path == "/healthz") return std::nullopt;
      return not_found("this listener (server.gate_listen) serves only /gate/{app}/{region} and /healthz");
    case ApiRequest::Listener::reserve:
      if (!is_open_probe(path))
        return too_many_requests("too many clients (server.max_clients is " + std::to_string(options_.max_clients) +
                                     ", server.max_clients_per_address " +
                                     std::to_string(options_.max_clients_per_address) +
                                     "): only /healthz, /readyz and /gate are answered now",
                                 RefusalReason::too_many_clients);
      break;
    case ApiRequest::Listener::main:
      break;
  }
  if (is_open_probe(path)) return std::nullopt;  // open, and they reveal nothing a page could steal
  const std::string& host = target.authority ? *target.authority : request.host;
  if (!hosts_.allows(host))
    return refused(misdirected("this server does not answer to the host `" + host_without_port(host) +
                               "`; add it to server.allowed_hosts"),
                   RefusalReason::unknown_host, "Host " + host.substr(0, 200));
  return std::nullopt;
}

// A wrong token costs the source one of a few tokens a minute; a missing one costs nothing (a
// dashboard without the token is a mistake, not a guess).
std::optional<ApiResponse> ApiHandler::check_token(const ApiRequest& request) {
  const auto now = hooks_.monotonic_now();
  if (!wrong_tokens_.has_token(request.client, now))
    return too_many_requests("too many wrong bearer tokens from this address; wait a minute",
                             RefusalReason::auth_rate_limited, 60);
  if (auth_.accepts(request.authorization)) return std::nullopt;
  if (request.authorization.empty()) return refused(unauthorized("missing bearer token"), RefusalReason::auth_failed);
  wrong_tokens_.take(request.client, now);
  return refused(unauthorized("missing or wrong bearer token"), RefusalReason::auth_failed);
}

std::optional<ApiResponse> ApiHandler::check_read_auth(const ApiRequest& request) {
  if (!options_.auth_reads) return std::nullopt;
  auto denied = check_token(request);
  if (denied && denied->status == 401)
    denied->body = error_response(401, "unauthorized", "reads need a bearer token on this server (server.auth_reads)").body;
  return denied;
}

std::optional<ApiResponse> ApiHandler::check_write_auth(const ApiRequest& request) {
  if (!auth_.configured())
    return unauthorized("state-changing requests are disabled: no server.token or server.token_file is configured");
  return check_token(request);
}

std::optional<ApiResponse> ApiHandler::refuse_before_body(const ApiRequest& request) {
  const auto target = parse_request_target(request.target);
  if (!target) return bad_request(target.error());
  if (auto refusal = check_admission(request, *target)) return refusal;
  if (request.method == "POST" && target->path.starts_with(kApiPrefix)) return check_write_auth(request);
  return std::nullopt;
}

HandlerResult ApiHandler::handle(const ApiRequest& request) {
  const auto target = parse_request_target(request.target);
  if (!target) return bad_request(target.error());
  if (auto refusal = check_admission(request, *target)) return *refusal;
  const std::string_view path = target->path;

  if (path == "/healthz" || path == "/readyz" || path == "/metrics") {
    if (!is_read(request.method)) return method_not_allowed(kReadMethods);
    if (path == "/healthz") return json_response(200, {{"status", "ok"}});
    if (path == "/readyz") {
      if (ready()) return json_response(200, {{"status", "ready"}});
      return unavailable(!state_.has_round() ? "no probe round has completed yet" : "the store is not open");
    }
    if (auto denied = check_read_auth(request)) return *denied;
    return metrics(request);
  }
  if (path.starts_with("/gate/")) return gate(request, path.substr(6));
  if (path == "/api" || path.starts_with("/api/")) {
    if (!path.starts_with(kApiPrefix)) return not_found("no such API resource (the API is under /api/v1/)");
    return handle_api(request, path.substr(kApiPrefix.size()), target->query);
  }
  if (!is_read(request.method)) return method_not_allowed(kReadMethods);
  auto relative = static_relative_path(path);
  if (!relative) return bad_request(relative.error());
  return BlockingWork{[root = options_.web_root, file = std::move(*relative)] { return read_static_file(root, file); }};
}

HandlerResult ApiHandler::handle_api(const ApiRequest& request, std::string_view path, const Query& query) {
  if (path == "probe") {
    if (request.method != "POST") return method_not_allowed("POST");
    return probe(request);
  }
  if (path == "stream") {
    if (request.method != "GET") return method_not_allowed("GET");
    return stream(request);
  }
  if (path == "alerts/silences") {
    if (request.method != "POST") return method_not_allowed("POST");
    return silence(request);
  }
  if (path == "reload") {
    if (request.method != "POST") return method_not_allowed("POST");
    return reload(request);
  }
  if (path.starts_with("failover/")) {
    // GET /api/v1/failover/{app}: one application's object of /applications (its recovery time
    // included); POST /api/v1/failover/{app}/{op}: an operation.
    const auto tail = path.substr(9);
    if (is_read(request.method) && !tail.empty() && tail.find('/') == std::string_view::npos) {
      if (auto denied = check_read_auth(request)) return *denied;
      const json list = hooks_.failover.applications ? hooks_.failover.applications() : json::array();
      for (const auto& app : list)
        if (app.value("name", "") == tail) return json_response(200, app);
      return not_found("no application '" + std::string(tail) + "' (GET /api/v1/applications lists them)");
    }
    if (request.method != "POST") return method_not_allowed("POST");
    return failover(request, tail);
  }
  const bool known = path == "summary" || path == "regions" || path == "endpoints" || path == "trends" ||
                     path == "alerts" || path == "applications" || path == "cluster" ||
                     (path.starts_with("endpoints/") && path.size() > 10);
  if (!known) return not_found("no such API resource: /api/v1/" + std::string(path));
  if (!is_read(request.method)) return method_not_allowed(kReadMethods);
  if (auto denied = check_read_auth(request)) return *denied;

  if (path == "summary") return json_response(200, state_.summary_json());
  if (path == "regions") return json_response(200, state_.regions_json());
  if (path == "endpoints") return endpoints(query);
  if (path == "trends") return trends(query);
  if (path == "alerts") {
    json list = json::array();
    if (hooks_.alerts.list)
      for (const auto& alert : hooks_.alerts.list()) list.push_back(alert_json(alert));
    return json_response(200, list);
  }
  if (path == "applications")
    return json_response(200, hooks_.failover.applications ? hooks_.failover.applications() : json::array());
  if (path == "cluster")  // alone (no `cluster:` section): said, not a 404 the dashboard would count as an error
    return json_response(200, hooks_.cluster.status ? hooks_.cluster.status() : json{{"clustered", false}});
  return endpoint_route(request, path.substr(10), query);
}

// {id} is percent-encoded, so an id with '/' arrives as one segment; a client that did not
// encode it is served too: an exact id wins, then "<id>/history".
HandlerResult ApiHandler::endpoint_route(const ApiRequest&, std::string_view tail, const Query& query) {
  const std::string id(tail);
  if (state_.has_endpoint(id)) return json_response(200, *state_.endpoint_json(id));
  constexpr std::string_view history_suffix = "/history";
  if (tail.ends_with(history_suffix)) {
    const std::string history_id(tail.substr(0, tail.size() - history_suffix.size()));
    if (state_.has_endpoint(history_id)) return history(history_id, query);
    return not_found("no endpoint with id '" + history_id + "'");
  }
  return not_found("no endpoint with id '" + id + "'");
}

HandlerResult ApiHandler::endpoints(const Query& query) {
  const auto params = QueryParams::parse(query, {"region", "service", "status", "kind"});
  if (!params) return bad_request(params.error());
  EndpointFilter filter;
  filter.region = params->get("region");
  filter.service = params->get("service");
  if (const auto status = params->get("status")) {
    filter.status = health_status_from_string(*status);
    if (!filter.status)
      return bad_request("status: unknown status `" + *status + "` (expected healthy, warning or critical)");
  }
  if (const auto kind = params->get("kind")) {
    for (const auto k : {ProbeKind::dns, ProbeKind::http, ProbeKind::tcp, ProbeKind::calculated, ProbeKind::ec2,
                         ProbeKind::elb_target_group, ProbeKind::rds, ProbeKind::ecs_service,
                         ProbeKind::autoscaling_group, ProbeKind::cloudwatch_alarm})
      if (to_string(k) == *kind) filter.kind = k;
    if (!filter.kind)
      return bad_request("kind: unknown kind `" + *kind +
                         "` (expected dns, http, tcp, calculated or an AWS resource kind such as ec2)");
  }
  return json_response(200, state_.endpoints_json(filter));
}

HandlerResult ApiHandler::history(const std::string& id, const Query& query) {
  const auto params = QueryParams::parse(query, {"from", "to", "step"});
  if (!params) return bad_request(params.error());
  std::string error;
  const auto range = read_range(*params, hooks_.now(), error);
  if (!range) return bad_request(error);
  const auto step = read_step(*params, range->first, range->second, error);
  if (!step) return bad_request(error);
  if (!options_.history) return unavailable("history is not available: " + options_.history_problem);
  return BlockingWork{[store = options_.history, id, from = range->first, to = range->second, step = *step] {
    const auto buckets = store->history(id, from, to, step);
    if (!buckets) return store_failure(buckets.error());
    return json_response(200, history_json(id, from, to, step, *buckets));
  }};
}

HandlerResult ApiHandler::trends(const Query& query) {
  const auto params = QueryParams::parse(query, {"rounds", "from", "to", "step"});
  if (!params) return bad_request(params.error());
  const bool from_store = params->has("from") || params->has("to") || params->has("step");
  if (!from_store) {
    std::size_t rounds = 20;
    if (const auto text = params->get("rounds")) {
      const auto parsed = parse_count(*text, kMaxTrendRounds);
      if (!parsed) return bad_request("rounds: " + parsed.error());
      rounds = *parsed;
    }
    return json_response(200, state_.trend_json(rounds));
  }
  if (params->has("rounds")) return bad_request("give either rounds or from/to/step, not both");
  std::string error;
  const auto range = read_range(*params, hooks_.now(), error);
  if (!range) return bad_request(error);
  const auto step = read_step(*params, range->first, range->second, error);
  if (!step) return bad_request(error);
  if (!options_.history) return unavailable("history is not available: " + options_.history_problem);
  return BlockingWork{[store = options_.history, from = range->first, to = range->second, step = *step] {
    const auto buckets = store->state_counts(from, to, step);
    if (!buckets) return store_failure(buckets.error());
    return json_response(200, stored_trend_json(*buckets));
  }};
}

namespace {

// A request that takes no parameters yet: a body, when sent, must be an empty JSON object, so that
// options can be added later without old clients' stray bodies meaning something.
std::optional<ApiResponse> reject_fields(const ApiRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  const auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return bad_request("the body is not valid JSON");
  if (!body.is_object()) return bad_request("the body must be a JSON object");
  if (!body.empty()) return bad_request("unknown field `" + body.begin().key() + "` (this request takes none)");
  return std::nullopt;
}

}  // namespace

HandlerResult ApiHandler::probe(const ApiRequest& request) {
  if (auto denied = check_write_auth(request)) return *denied;
  if (auto refused = reject_fields(request)) return *refused;
  const bool started = hooks_.trigger_round && hooks_.trigger_round();
  if (started) ++triggered_rounds_;
  // Not started means a triggered round is still in flight (its results are coming): the request
  // is accepted either way.
  return json_response(202, {{"accepted", true}, {"started", started}});
}

HandlerResult ApiHandler::silence(const ApiRequest& request) {
  if (auto denied = check_write_auth(request)) return *denied;
  const auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return bad_request("the body is not valid JSON");
  auto parsed = parse_silence(body, hooks_.now());
  if (!parsed) return bad_request(parsed.error());
  if (!hooks_.alerts.silence) return unavailable("alerting is not running");
  auto stored = hooks_.alerts.silence(std::move(*parsed));
  if (!stored) return unavailable("cannot store the silence: " + stored.error());
  return json_response(201, silence_json(*stored));
}

// POST /api/v1/reload: reads the configuration file again, on the loop (a small file; the daemon
// must not take rounds in between). Takes no body, like /api/v1/probe.
HandlerResult ApiHandler::reload(const ApiRequest& request) {
  if (auto denied = check_write_auth(request)) return *denied;
  if (auto refused = reject_fields(request)) return *refused;
  if (!hooks_.reload.reload) return unavailable("this server cannot reload a configuration");
  return reload_response(hooks_.reload.reload());
}

namespace {

// "{first}/{second}", both non-empty, no further '/': the two path parameters of the failover
// and gate routes.
std::optional<std::pair<std::string, std::string>> two_segments(std::string_view tail) {
  const auto slash = tail.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == tail.size() ||
      tail.find('/', slash + 1) != std::string_view::npos)
    return std::nullopt;
  return std::pair{std::string(tail.substr(0, slash)), std::string(tail.substr(slash + 1))};
}

}  // namespace

// POST /api/v1/failover/{app}/{op}; the controller checks the application, the operation and
// the body, and answers for itself (202 accepted, 409 when a plan is already running...).
HandlerResult ApiHandler::failover(const ApiRequest& request, std::string_view tail) {
  if (auto denied = check_write_auth(request)) return *denied;
  const auto segments = two_segments(tail);
  if (!segments) return not_found("expected /api/v1/failover/{app}/{plan|execute|approve|rollback}");
  json body = json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return bad_request("the body is not valid JSON");
    if (!body.is_object()) return bad_request("the body must be a JSON object");
  }
  if (!hooks_.failover.act) return unavailable("the failover controller is not running");
  return hooks_.failover.act(segments->first, segments->second, body);
}

// GET /gate/{app}/{region}: 200 for the region that should take traffic, 503 for the others, so
// that Route 53 failover records' health checks follow regionguard without a control-plane call.
HandlerResult ApiHandler::gate(const ApiRequest& request, std::string_view tail) {
  if (!is_read(request.method)) return method_not_allowed(kReadMethods);
  const auto segments = two_segments(tail);
  if (!segments) return not_found("expected /gate/{app}/{region}");
  if (hooks_.failover.gate_generation) {
    const std::uint64_t generation = hooks_.failover.gate_generation();
    if (generation != gate_generation_) {
      gate_answers_.clear();
      gate_generation_ = generation;
    }
    if (const auto made = gate_answers_.find(std::string(tail)); made != gate_answers_.end()) return made->second;
  }
  const auto& [app, region] = *segments;
  const auto answer = hooks_.failover.gate ? hooks_.failover.gate(app, region) : std::nullopt;
  if (!answer) return not_found("no gate for application '" + app + "' in region '" + region + "'");
  // A closed gate is 503, which Route 53 counts as unhealthy like any status outside 2xx/3xx; an
  // overloaded server answers 429, so the two are told apart in logs and by other checkers.
  const json body{{"app", app}, {"region", region}, {"open", answer->open}, {"active_region", answer->active_region}};
  auto response = json_response(answer->open ? 200 : 503, body);
  response.headers.emplace_back("Cache-Control", "no-store");
  if (hooks_.failover.gate_generation) gate_answers_.emplace(std::string(tail), response);
  return response;
}

HandlerResult ApiHandler::stream(const ApiRequest& request) {
  if (!request.websocket_upgrade) return bad_request("/api/v1/stream is a WebSocket: send Upgrade: websocket");
  if (!request.origin.empty() && !origin_matches(request.origin, options_.tls ? "https" : "http", request.host))
    return error_response(403, "forbidden", "WebSocket connections from another origin are refused");
  if (auto denied = check_read_auth(request)) return *denied;
  return UpgradeToWebSocket{};
}

// Made again only when the round or one of the server's own counters changes, or a second has
// passed, and limited per source: a crowd of scrapers costs the loop a copy each, not a render each.
ApiResponse ApiHandler::metrics(const ApiRequest& request) {
  const auto now = hooks_.monotonic_now();
  if (!scrapes_.take(request.client, now))
    return too_many_requests("/metrics is fetched too often from this address", RefusalReason::rate_limited);
  const MetricsKey key{state_.round(), triggered_rounds_, hooks_.ws_clients ? hooks_.ws_clients() : 0,
                       hooks_.ws_dropped ? hooks_.ws_dropped() : 0,
                       hooks_.reload.status ? hooks_.reload.status().reloads : 0};
  if (metrics_page_.empty() || key != metrics_key_ || now - metrics_rendered_ >= kMetricsMaxAge) {
    metrics_page_ = render_metrics_page().body;
    metrics_key_ = key;
    metrics_rendered_ = now;
  }
  return text_response(200, std::string(kPrometheusContentType), metrics_page_);
}

ApiResponse ApiHandler::render_metrics_page() const {
  MetricsInputs inputs{state_,
                       probes_,
                       hooks_.store_stats ? hooks_.store_stats() : std::nullopt,
                       hooks_.ws_clients ? hooks_.ws_clients() : 0,
                       hooks_.ws_dropped ? hooks_.ws_dropped() : 0,
                       triggered_rounds_,
                       read_process_stats(),
                       hooks_.anomaly_stats ? hooks_.anomaly_stats() : std::nullopt,
                       hooks_.cloudwatch_stats ? hooks_.cloudwatch_stats() : std::nullopt,
                       hooks_.refusals ? hooks_.refusals() : std::vector<std::pair<std::string, std::uint64_t>>{}};
  std::string text = render_metrics(inputs);
  if (hooks_.alerts.metrics) {
    PrometheusText alerting;
    render_alert_metrics(alerting, hooks_.alerts.metrics());
    text += alerting.take();
  }
  if (hooks_.cluster.metrics) {
    PrometheusText cluster;
    render_cluster_metrics(cluster, hooks_.cluster.metrics());
    text += cluster.take();
  }
  if (hooks_.reload.status) {
    PrometheusText reloads;
    render_reload_metrics(reloads, hooks_.reload.status());
    text += reloads.take();
  }
  return text_response(200, std::string(kPrometheusContentType), std::move(text));
}

}  // namespace rg
