#include "aws/route53_api.h"

#include <algorithm>

#include "aws/protocol_rest_xml.h"

namespace rg::aws::route53 {
namespace {

constexpr std::string_view kVersion = "/2013-04-01";

std::string strip_prefix(std::string_view id, std::string_view prefix) {
  if (id.starts_with(prefix)) id.remove_prefix(prefix.size());
  return std::string(id);
}

std::string zone_id(std::string_view id) { return strip_prefix(id, "/hostedzone/"); }
std::string change_id(std::string_view id) { return strip_prefix(id, "/change/"); }
std::string health_check_id(std::string_view id) { return strip_prefix(id, "/healthcheck/"); }

ResourceRecordSet read_record_set(pugi::xml_node n) {
  ResourceRecordSet r;
  r.name = xml_text(n, "Name");
  r.type = xml_text(n, "Type");
  r.set_identifier = xml_opt_text(n, "SetIdentifier");
  r.weight = xml_int(n, "Weight");
  r.region = xml_opt_text(n, "Region");
  r.failover = xml_opt_text(n, "Failover");
  r.ttl = xml_int(n, "TTL");
  for (pugi::xml_node rr : xml_children(xml_child(n, "ResourceRecords"), "ResourceRecord")) {
    r.values.push_back(xml_text(rr, "Value"));
  }
  if (pugi::xml_node alias = xml_child(n, "AliasTarget")) {
    r.alias_target = AliasTarget{xml_text(alias, "HostedZoneId"), xml_text(alias, "DNSName"),
                                 xml_bool(alias, "EvaluateTargetHealth").value_or(false)};
  }
  r.health_check_id = xml_opt_text(n, "HealthCheckId");
  return r;
}

void write_record_set(XmlWriter& w, const ResourceRecordSet& r) {
  w.open("ResourceRecordSet");
  w.leaf("Name", r.name);
  w.leaf("Type", r.type);
  w.optional_leaf("SetIdentifier", r.set_identifier);
  w.optional_integer("Weight", r.weight);
  w.optional_leaf("Region", r.region);
  w.optional_leaf("Failover", r.failover);
  w.optional_integer("TTL", r.ttl);
  if (!r.values.empty()) {
    w.open("ResourceRecords");
    for (const auto& value : r.values) {
      w.open("ResourceRecord").leaf("Value", value).close();
    }
    w.close();
  }
  if (r.alias_target) {
    w.open("AliasTarget");
    w.leaf("HostedZoneId", r.alias_target->hosted_zone_id);
    w.leaf("DNSName", r.alias_target->dns_name);
    w.boolean("EvaluateTargetHealth", r.alias_target->evaluate_target_health);
    w.close();
  }
  w.optional_leaf("HealthCheckId", r.health_check_id);
  w.close();
}

ChangeStatus change_status(std::string_view text) {
  if (text == "PENDING") return ChangeStatus::pending;
  if (text == "INSYNC") return ChangeStatus::insync;
  return ChangeStatus::unknown;
}

std::expected<ChangeInfo, AwsError> read_change_info(const HttpResponse& response, std::string_view operation,
                                                     std::string_view root) {
  auto xml = parse_rest_xml_response(response, operation, root);
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node info = xml_child(xml->result, "ChangeInfo");
  if (!info) return std::unexpected(missing_element(operation, "ChangeInfo"));
  ChangeInfo out;
  out.id = change_id(xml_text(info, "Id"));
  out.status_text = xml_text(info, "Status");
  out.status = change_status(out.status_text);
  out.submitted_at = xml_time(info, "SubmittedAt");
  out.comment = xml_opt_text(info, "Comment");
  if (out.id.empty()) return std::unexpected(missing_element(operation, "ChangeInfo/Id"));
  return out;
}

}  // namespace

std::string_view to_string(ChangeAction action) {
  switch (action) {
    case ChangeAction::create: return "CREATE";
    case ChangeAction::delete_: return "DELETE";
    case ChangeAction::upsert: return "UPSERT";
  }
  return "UPSERT";
}

std::string_view to_string(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::pending: return "PENDING";
    case ChangeStatus::insync: return "INSYNC";
    case ChangeStatus::unknown: return "unknown";
  }
  return "unknown";
}

// --- ListResourceRecordSets -------------------------------------------------------------------------

AwsRequest build_list_resource_record_sets(const ListResourceRecordSetsRequest& request) {
  QueryParams query;
  if (request.start_name) query.emplace_back("name", *request.start_name);
  if (request.start_type) query.emplace_back("type", *request.start_type);
  if (request.start_identifier) query.emplace_back("identifier", *request.start_identifier);
  if (request.max_items) query.emplace_back("maxitems", std::to_string(*request.max_items));
  return rest_xml_request("ListResourceRecordSets", "GET",
                          std::string(kVersion) + "/hostedzone/" + path_segment(zone_id(request.hosted_zone_id)) + "/rrset",
                          std::move(query));
}

std::expected<ListResourceRecordSetsResult, AwsError> parse_list_resource_record_sets(const HttpResponse& response) {
  constexpr std::string_view op = "ListResourceRecordSets";
  auto xml = parse_rest_xml_response(response, op, "ListResourceRecordSetsResponse");
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node list = xml_child(xml->result, "ResourceRecordSets");
  if (!list) return std::unexpected(missing_element(op, "ResourceRecordSets"));
  ListResourceRecordSetsResult out;
  for (pugi::xml_node n : xml_children(list, "ResourceRecordSet")) out.record_sets.push_back(read_record_set(n));
  out.is_truncated = xml_bool(xml->result, "IsTruncated").value_or(false);
  out.next_name = xml_opt_text(xml->result, "NextRecordName");
  out.next_type = xml_opt_text(xml->result, "NextRecordType");
  out.next_identifier = xml_opt_text(xml->result, "NextRecordIdentifier");
  return out;
}

void list_resource_record_sets(AwsClient& client, const ListResourceRecordSetsRequest& request,
                               ResultCallback<ListResourceRecordSetsResult> done) {
  call_and_parse<ListResourceRecordSetsResult>(client, kService, build_list_resource_record_sets(request),
                                               parse_list_resource_record_sets, std::move(done));
}

namespace {

// Fetches page after page until the last, or until paging stops advancing.
struct RecordSetPager : std::enable_shared_from_this<RecordSetPager> {
  RecordSetPager(AwsClient& c, ListResourceRecordSetsRequest first, ResultCallback<std::vector<ResourceRecordSet>> d,
                 int max)
      : client(c), next(std::move(first)), done(std::move(d)), max_pages(max) {}

  void fetch() {
    list_resource_record_sets(client, next, [self = shared_from_this()](std::expected<ListResourceRecordSetsResult, AwsError> page) {
      self->on_page(std::move(page));
    });
  }

  void on_page(std::expected<ListResourceRecordSetsResult, AwsError> page) {
    if (!page) {
      done(std::unexpected(std::move(page.error())));
      return;
    }
    ++pages;
    all.insert(all.end(), std::make_move_iterator(page->record_sets.begin()), std::make_move_iterator(page->record_sets.end()));
    if (!page->is_truncated) {
      done(std::move(all));
      return;
    }
    ListResourceRecordSetsRequest following = next;
    following.start_name = page->next_name;
    following.start_type = page->next_type;
    following.start_identifier = page->next_identifier;
    const bool stuck = !page->next_name || (following.start_name == next.start_name && following.start_type == next.start_type &&
                                            following.start_identifier == next.start_identifier);
    if (stuck || pages >= max_pages) {
      done(std::unexpected(make_error(
          AwsErrorKind::bad_response,
          "ListResourceRecordSets: " +
              (stuck ? "page " + std::to_string(pages) + " does not advance (next record " + page->next_name.value_or("?") +
                           " " + page->next_type.value_or("?") + ")"
                     : "more than " + std::to_string(max_pages) + " pages"))));
      return;
    }
    next = std::move(following);
    fetch();
  }

  AwsClient& client;
  ListResourceRecordSetsRequest next;
  ResultCallback<std::vector<ResourceRecordSet>> done;
  int max_pages;
  int pages = 0;
  std::vector<ResourceRecordSet> all;
};

}  // namespace

void list_all_resource_record_sets(AwsClient& client, std::string hosted_zone_id,
                                   ResultCallback<std::vector<ResourceRecordSet>> done, int page_size, int max_pages) {
  ListResourceRecordSetsRequest first;
  first.hosted_zone_id = std::move(hosted_zone_id);
  first.max_items = page_size;
  std::make_shared<RecordSetPager>(client, std::move(first), std::move(done), std::max(max_pages, 1))->fetch();
}

// --- ChangeResourceRecordSets -----------------------------------------------------------------------

AwsRequest build_change_resource_record_sets(const ChangeResourceRecordSetsRequest& request) {
  XmlWriter w("ChangeResourceRecordSetsRequest", kXmlns);
  w.open("ChangeBatch");
  w.optional_leaf("Comment", request.comment);
  w.open("Changes");
  for (const Change& change : request.changes) {
    w.open("Change");
    w.leaf("Action", to_string(change.action));
    write_record_set(w, change.record_set);
    w.close();
  }
  w.close();  // Changes
  w.close();  // ChangeBatch
  // The trailing slash is botocore's requestUri for this operation.
  return rest_xml_request("ChangeResourceRecordSets", "POST",
                          std::string(kVersion) + "/hostedzone/" + path_segment(zone_id(request.hosted_zone_id)) + "/rrset/",
                          {}, w.finish());
}

std::expected<ChangeInfo, AwsError> parse_change_resource_record_sets(const HttpResponse& response) {
  return read_change_info(response, "ChangeResourceRecordSets", "ChangeResourceRecordSetsResponse");
}

void change_resource_record_sets(AwsClient& client, const ChangeResourceRecordSetsRequest& request,
                                 ResultCallback<ChangeInfo> done) {
  call_and_parse<ChangeInfo>(client, kService, build_change_resource_record_sets(request),
                             parse_change_resource_record_sets, std::move(done));
}

// --- GetChange --------------------------------------------------------------------------------------

AwsRequest build_get_change(std::string_view id) {
  return rest_xml_request("GetChange", "GET", std::string(kVersion) + "/change/" + path_segment(change_id(id)));
}

std::expected<ChangeInfo, AwsError> parse_get_change(const HttpResponse& response) {
  return read_change_info(response, "GetChange", "GetChangeResponse");
}

void get_change(AwsClient& client, std::string_view id, ResultCallback<ChangeInfo> done) {
  call_and_parse<ChangeInfo>(client, kService, build_get_change(id), parse_get_change, std::move(done));
}

// --- CreateHealthCheck ------------------------------------------------------------------------------

AwsRequest build_create_health_check(const CreateHealthCheckRequest& request) {
  const HealthCheckConfig& c = request.config;
  XmlWriter w("CreateHealthCheckRequest", kXmlns);
  w.leaf("CallerReference", request.caller_reference);
  w.open("HealthCheckConfig");
  w.optional_leaf("IPAddress", c.ip_address);
  w.optional_integer("Port", c.port);
  w.leaf("Type", c.type);
  w.optional_leaf("ResourcePath", c.resource_path);
  w.optional_leaf("FullyQualifiedDomainName", c.fully_qualified_domain_name);
  w.optional_leaf("SearchString", c.search_string);
  w.optional_integer("RequestInterval", c.request_interval);
  w.optional_integer("FailureThreshold", c.failure_threshold);
  w.optional_boolean("MeasureLatency", c.measure_latency);
  w.optional_boolean("Inverted", c.inverted);
  w.optional_boolean("Disabled", c.disabled);
  w.optional_integer("HealthThreshold", c.health_threshold);
  if (!c.child_health_checks.empty()) {
    w.open("ChildHealthChecks");
    for (const auto& child : c.child_health_checks) w.leaf("ChildHealthCheck", child);
    w.close();
  }
  w.optional_boolean("EnableSNI", c.enable_sni);
  if (!c.regions.empty()) {
    w.open("Regions");
    for (const auto& region : c.regions) w.leaf("Region", region);
    w.close();
  }
  if (c.alarm_identifier) {
    w.open("AlarmIdentifier").leaf("Region", c.alarm_identifier->region).leaf("Name", c.alarm_identifier->name).close();
  }
  w.optional_leaf("InsufficientDataHealthStatus", c.insufficient_data_health_status);
  w.close();
  return rest_xml_request("CreateHealthCheck", "POST", std::string(kVersion) + "/healthcheck", {}, w.finish());
}

std::expected<HealthCheck, AwsError> parse_create_health_check(const HttpResponse& response) {
  constexpr std::string_view op = "CreateHealthCheck";
  auto xml = parse_rest_xml_response(response, op, "CreateHealthCheckResponse");
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node check = xml_child(xml->result, "HealthCheck");
  if (!check) return std::unexpected(missing_element(op, "HealthCheck"));
  HealthCheck out;
  out.id = health_check_id(xml_text(check, "Id"));
  if (out.id.empty()) return std::unexpected(missing_element(op, "HealthCheck/Id"));
  out.caller_reference = xml_text(check, "CallerReference");
  out.type = xml_text(xml_child(check, "HealthCheckConfig"), "Type");
  out.version = xml_int(check, "HealthCheckVersion");
  if (auto location = find_header(response.headers, "Location")) out.location = std::string(*location);
  return out;
}

void create_health_check(AwsClient& client, const CreateHealthCheckRequest& request, ResultCallback<HealthCheck> done) {
  call_and_parse<HealthCheck>(client, kService, build_create_health_check(request), parse_create_health_check,
                              std::move(done));
}

// --- GetHealthCheckStatus ---------------------------------------------------------------------------

std::size_t HealthCheckStatus::healthy_count() const {
  return static_cast<std::size_t>(std::count_if(observations.begin(), observations.end(),
                                                [](const HealthCheckObservation& o) { return o.healthy(); }));
}

AwsRequest build_get_health_check_status(std::string_view id) {
  return rest_xml_request("GetHealthCheckStatus", "GET",
                          std::string(kVersion) + "/healthcheck/" + path_segment(health_check_id(id)) + "/status");
}

std::expected<HealthCheckStatus, AwsError> parse_get_health_check_status(const HttpResponse& response) {
  constexpr std::string_view op = "GetHealthCheckStatus";
  auto xml = parse_rest_xml_response(response, op, "GetHealthCheckStatusResponse");
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node list = xml_child(xml->result, "HealthCheckObservations");
  if (!list) return std::unexpected(missing_element(op, "HealthCheckObservations"));
  HealthCheckStatus out;
  for (pugi::xml_node n : xml_children(list, "HealthCheckObservation")) {
    HealthCheckObservation o;
    o.region = xml_text(n, "Region");
    o.ip_address = xml_text(n, "IPAddress");
    pugi::xml_node report = xml_child(n, "StatusReport");
    o.status = xml_text(report, "Status");
    o.checked_time = xml_time(report, "CheckedTime");
    out.observations.push_back(std::move(o));
  }
  return out;
}

void get_health_check_status(AwsClient& client, std::string_view id, ResultCallback<HealthCheckStatus> done) {
  call_and_parse<HealthCheckStatus>(client, kService, build_get_health_check_status(id), parse_get_health_check_status,
                                    std::move(done));
}

}  // namespace rg::aws::route53
