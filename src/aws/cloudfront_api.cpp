#include "aws/cloudfront_api.h"

#include <charconv>
#include <sstream>

#include "aws/protocol_rest_xml.h"

namespace rg::aws::cloudfront {
namespace {

constexpr std::string_view kVersion = "/2020-05-31";

std::expected<std::unique_ptr<pugi::xml_document>, AwsError> load_config(std::string_view xml, std::string_view what) {
  auto doc = parse_xml_document(xml, what);
  if (!doc) return doc;
  if (xml_local_name((*doc)->document_element()) != "DistributionConfig") {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument,
                                      std::string(what) + ": not a <DistributionConfig> document"));
  }
  return doc;
}

std::string serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.document_element().print(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace

std::expected<DistributionConfigSummary, AwsError> summarize_distribution_config(std::string_view config_xml) {
  auto doc = load_config(config_xml, "DistributionConfig");
  if (!doc) return std::unexpected(doc.error());
  pugi::xml_node root = (*doc)->document_element();
  DistributionConfigSummary out;
  out.caller_reference = xml_text(root, "CallerReference");
  out.comment = xml_text(root, "Comment");
  out.enabled = xml_bool(root, "Enabled").value_or(false);
  for (pugi::xml_node o : xml_list(xml_child(root, "Origins"), "Items")) {
    out.origins.push_back(Origin{xml_text(o, "Id"), xml_text(o, "DomainName")});
  }
  for (pugi::xml_node g : xml_list(xml_child(root, "OriginGroups"), "Items")) {
    OriginGroup group;
    group.id = xml_text(g, "Id");
    for (pugi::xml_node m : xml_list(xml_child(g, "Members"), "Items")) group.member_origin_ids.push_back(xml_text(m, "OriginId"));
    for (pugi::xml_node c : xml_list(xml_path(g, {"FailoverCriteria", "StatusCodes"}), "Items")) {
      const std::string text = c.text().get();
      int code = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
      if (ec == std::errc{} && end == text.data() + text.size()) group.failover_status_codes.push_back(code);
    }
    out.origin_groups.push_back(std::move(group));
  }
  out.default_target_origin_id = xml_text(xml_child(root, "DefaultCacheBehavior"), "TargetOriginId");
  return out;
}

std::expected<std::string, AwsError> set_default_target_origin(std::string_view config_xml, std::string_view origin_id) {
  auto doc = load_config(config_xml, "DistributionConfig");
  if (!doc) return std::unexpected(doc.error());
  pugi::xml_node root = (*doc)->document_element();
  bool known = false;
  for (pugi::xml_node o : xml_list(xml_child(root, "Origins"), "Items")) known = known || xml_text(o, "Id") == origin_id;
  for (pugi::xml_node g : xml_list(xml_child(root, "OriginGroups"), "Items")) known = known || xml_text(g, "Id") == origin_id;
  if (!known) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument,
                                      "the distribution has no origin or origin group '" + std::string(origin_id) + "'"));
  }
  pugi::xml_node target = xml_path(root, {"DefaultCacheBehavior", "TargetOriginId"});
  if (!target) return std::unexpected(make_error(AwsErrorKind::invalid_argument, "the configuration has no DefaultCacheBehavior/TargetOriginId"));
  target.text().set(std::string(origin_id).c_str());
  return serialize(**doc);
}

std::expected<std::string, AwsError> set_origin_group_primary(std::string_view config_xml, std::string_view group_id,
                                                              std::string_view origin_id) {
  auto doc = load_config(config_xml, "DistributionConfig");
  if (!doc) return std::unexpected(doc.error());
  pugi::xml_node root = (*doc)->document_element();
  for (pugi::xml_node g : xml_list(xml_child(root, "OriginGroups"), "Items")) {
    if (xml_text(g, "Id") != group_id) continue;
    pugi::xml_node items = xml_path(g, {"Members", "Items"});
    const std::vector<pugi::xml_node> members = xml_list(xml_child(g, "Members"), "Items");
    for (pugi::xml_node m : members) {
      if (xml_text(m, "OriginId") != origin_id) continue;
      if (m != members.front()) items.insert_move_before(m, members.front());
      return serialize(**doc);
    }
    return std::unexpected(make_error(AwsErrorKind::invalid_argument, "origin group '" + std::string(group_id) +
                                                                          "' has no member '" + std::string(origin_id) + "'"));
  }
  return std::unexpected(make_error(AwsErrorKind::invalid_argument, "the distribution has no origin group '" +
                                                                        std::string(group_id) + "'"));
}

AwsRequest build_get_distribution_config(std::string_view id) {
  return rest_xml_request("GetDistributionConfig", "GET", std::string(kVersion) + "/distribution/" + path_segment(id) + "/config");
}

std::expected<DistributionConfig, AwsError> parse_get_distribution_config(const HttpResponse& response) {
  constexpr std::string_view op = "GetDistributionConfig";
  auto summary = summarize_distribution_config(response.body);
  if (!summary) {
    AwsError error = summary.error();
    error.kind = AwsErrorKind::bad_response;
    error.message = std::string(op) + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  auto etag = etag_header(response);
  if (!etag || etag->empty()) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(op) + ": the answer has no ETag header"));
  }
  DistributionConfig out;
  out.etag = std::move(*etag);
  out.config_xml = response.body;
  out.summary = std::move(*summary);
  return out;
}

void get_distribution_config(AwsClient& client, std::string_view id, ResultCallback<DistributionConfig> done) {
  call_and_parse<DistributionConfig>(client, kService, build_get_distribution_config(id), parse_get_distribution_config,
                                     std::move(done));
}

AwsRequest build_update_distribution(const UpdateDistributionRequest& request) {
  // Without the XML declaration GetDistributionConfig puts in front: botocore sends none.
  std::string body = request.config_xml;
  if (auto doc = parse_xml_document(body, "DistributionConfig")) body = serialize(**doc);
  AwsRequest out = rest_xml_request("UpdateDistribution", "PUT",
                                    std::string(kVersion) + "/distribution/" + path_segment(request.distribution_id) + "/config",
                                    {}, std::move(body));
  out.headers.emplace_back("If-Match", request.if_match);
  return out;
}

namespace {

// The <Distribution> that GetDistribution and UpdateDistribution answer, and its ETag header.
std::expected<Distribution, AwsError> parse_distribution(const HttpResponse& response, std::string_view op) {
  auto xml = parse_rest_xml_response(response, op, "Distribution");
  if (!xml) return std::unexpected(xml.error());
  Distribution out;
  out.id = xml_text(xml->result, "Id");
  if (out.id.empty()) return std::unexpected(missing_element(op, "Id"));
  out.arn = xml_text(xml->result, "ARN");
  out.status = xml_text(xml->result, "Status");
  out.domain_name = xml_text(xml->result, "DomainName");
  out.last_modified = xml_time(xml->result, "LastModifiedTime");
  out.etag = etag_header(response).value_or("");
  return out;
}

}  // namespace

std::expected<Distribution, AwsError> parse_update_distribution(const HttpResponse& response) {
  return parse_distribution(response, "UpdateDistribution");
}

AwsRequest build_get_distribution(std::string_view distribution_id) {
  return rest_xml_request("GetDistribution", "GET", std::string(kVersion) + "/distribution/" + path_segment(distribution_id));
}

std::expected<Distribution, AwsError> parse_get_distribution(const HttpResponse& response) {
  return parse_distribution(response, "GetDistribution");
}

void get_distribution(AwsClient& client, std::string_view distribution_id, ResultCallback<Distribution> done) {
  call_and_parse<Distribution>(client, kService, build_get_distribution(distribution_id), parse_get_distribution,
                               std::move(done));
}

void update_distribution(AwsClient& client, const UpdateDistributionRequest& request, ResultCallback<Distribution> done) {
  call_and_parse<Distribution>(client, kService, build_update_distribution(request), parse_update_distribution,
                               std::move(done));
}

}  // namespace rg::aws::cloudfront
