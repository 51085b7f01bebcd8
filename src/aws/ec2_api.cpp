#include "aws/ec2_api.h"

namespace rg::aws::ec2 {
namespace {

void add_paging(QueryParams& params, const std::optional<int>& max_results, const std::optional<std::string>& next_token) {
  if (max_results) params.emplace_back("MaxResults", std::to_string(*max_results));
  if (next_token) params.emplace_back("NextToken", *next_token);
}

Tags read_tags(pugi::xml_node parent) {
  Tags tags;
  for (pugi::xml_node t : xml_list(parent, "tagSet")) tags[xml_text(t, "key")] = xml_text(t, "value");
  return tags;
}

std::optional<std::string> next_token(pugi::xml_node result) {
  auto token = xml_opt_text(result, "nextToken");
  if (token && token->empty()) token.reset();
  return token;
}

std::expected<std::string, AwsError> parse_image_id(const HttpResponse& response, std::string_view action) {
  auto xml = parse_query_response(response, action);
  if (!xml) return std::unexpected(xml.error());
  std::string id = xml_text(xml->result, "imageId");
  if (id.empty()) return std::unexpected(missing_element(action, "imageId"));
  return id;
}

}  // namespace

std::expected<void, AwsError> parse_return_true(const HttpResponse& response, std::string_view action) {
  auto xml = parse_query_response(response, action);
  if (!xml) return std::unexpected(xml.error());
  // EC2 writes <return>true</return>; moto leaves it out of CreateTags. Only a <return> that is not
  // "true" is a refusal.
  if (xml_child(xml->result, "return") && xml_bool(xml->result, "return") != true) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(action) + ": the answer says <return>" +
                                                                      xml_text(xml->result, "return") + "</return>"));
  }
  return {};
}

// --- DescribeInstances ------------------------------------------------------------------------------

AwsRequest build_describe_instances(const DescribeInstancesRequest& r) {
  QueryParams params;
  add_ec2_list(params, "InstanceId", r.instance_ids);
  add_ec2_filters(params, r.filters);
  add_paging(params, r.max_results, r.next_token);
  return query_request("DescribeInstances", kVersion, params);
}

std::expected<DescribeInstancesResult, AwsError> parse_describe_instances(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeInstances";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "reservationSet")) return std::unexpected(missing_element(op, "reservationSet"));
  DescribeInstancesResult out;
  for (pugi::xml_node reservation : xml_list(xml->result, "reservationSet")) {
    for (pugi::xml_node n : xml_list(reservation, "instancesSet")) {
      Instance i;
      i.instance_id = xml_text(n, "instanceId");
      i.image_id = xml_text(n, "imageId");
      i.instance_type = xml_text(n, "instanceType");
      pugi::xml_node state = xml_child(n, "instanceState");
      i.state = xml_text(state, "name");
      i.state_code = xml_int(state, "code").value_or(0);
      i.availability_zone = xml_opt_text(xml_child(n, "placement"), "availabilityZone");
      i.private_ip = xml_opt_text(n, "privateIpAddress");
      i.public_ip = xml_opt_text(n, "ipAddress");
      i.launch_time = xml_time(n, "launchTime");
      i.tags = read_tags(n);
      out.instances.push_back(std::move(i));
    }
  }
  out.next_token = next_token(xml->result);
  return out;
}

void describe_instances(AwsClient& client, const DescribeInstancesRequest& r, ResultCallback<DescribeInstancesResult> done) {
  call_and_parse<DescribeInstancesResult>(client, kService, build_describe_instances(r), parse_describe_instances,
                                          std::move(done));
}

// --- DescribeInstanceStatus -------------------------------------------------------------------------

AwsRequest build_describe_instance_status(const DescribeInstanceStatusRequest& r) {
  QueryParams params;
  add_ec2_list(params, "InstanceId", r.instance_ids);
  add_ec2_filters(params, r.filters);
  if (r.include_all_instances) params.emplace_back("IncludeAllInstances", "true");
  add_paging(params, r.max_results, r.next_token);
  return query_request("DescribeInstanceStatus", kVersion, params);
}

std::expected<DescribeInstanceStatusResult, AwsError> parse_describe_instance_status(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeInstanceStatus";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "instanceStatusSet")) return std::unexpected(missing_element(op, "instanceStatusSet"));
  DescribeInstanceStatusResult out;
  for (pugi::xml_node n : xml_list(xml->result, "instanceStatusSet")) {
    InstanceStatus s;
    s.instance_id = xml_text(n, "instanceId");
    s.availability_zone = xml_text(n, "availabilityZone");
    s.state = xml_text(xml_child(n, "instanceState"), "name");
    s.system_status = xml_text(xml_child(n, "systemStatus"), "status");
    s.instance_status = xml_text(xml_child(n, "instanceStatus"), "status");
    for (pugi::xml_node e : xml_list(n, "eventsSet")) s.event_codes.push_back(xml_text(e, "code"));
    out.statuses.push_back(std::move(s));
  }
  out.next_token = next_token(xml->result);
  return out;
}

void describe_instance_status(AwsClient& client, const DescribeInstanceStatusRequest& r,
                              ResultCallback<DescribeInstanceStatusResult> done) {
  call_and_parse<DescribeInstanceStatusResult>(client, kService, build_describe_instance_status(r),
                                               parse_describe_instance_status, std::move(done));
}

// --- CreateImage / CopyImage ------------------------------------------------------------------------

AwsRequest build_create_image(const CreateImageRequest& r) {
  QueryParams params{{"InstanceId", r.instance_id}, {"Name", r.name}};
  if (r.description) params.emplace_back("Description", *r.description);
  if (r.no_reboot) params.emplace_back("NoReboot", *r.no_reboot ? "true" : "false");
  if (!r.tags.empty()) {
    params.emplace_back("TagSpecification.1.ResourceType", "image");
    int n = 0;
    for (const auto& [key, value] : r.tags) {
      const std::string prefix = "TagSpecification.1.Tag." + std::to_string(++n);
      params.emplace_back(prefix + ".Key", key);
      params.emplace_back(prefix + ".Value", value);
    }
  }
  return query_request("CreateImage", kVersion, params);
}

std::expected<std::string, AwsError> parse_create_image(const HttpResponse& response) {
  return parse_image_id(response, "CreateImage");
}

void create_image(AwsClient& client, const CreateImageRequest& r, ResultCallback<std::string> done) {
  call_and_parse<std::string>(client, kService, build_create_image(r), parse_create_image, std::move(done));
}

AwsRequest build_copy_image(const CopyImageRequest& r) {
  QueryParams params{{"SourceRegion", r.source_region}, {"SourceImageId", r.source_image_id}, {"Name", r.name}};
  if (r.description) params.emplace_back("Description", *r.description);
  if (r.copy_image_tags) params.emplace_back("CopyImageTags", *r.copy_image_tags ? "true" : "false");
  return query_request("CopyImage", kVersion, params);
}

std::expected<std::string, AwsError> parse_copy_image(const HttpResponse& response) {
  return parse_image_id(response, "CopyImage");
}

void copy_image(AwsClient& client, const CopyImageRequest& r, ResultCallback<std::string> done) {
  call_and_parse<std::string>(client, kService, build_copy_image(r), parse_copy_image, std::move(done));
}

// --- DescribeImages ---------------------------------------------------------------------------------

AwsRequest build_describe_images(const DescribeImagesRequest& r) {
  QueryParams params;
  add_ec2_list(params, "ImageId", r.image_ids);
  add_ec2_list(params, "Owner", r.owners);
  add_ec2_filters(params, r.filters);
  add_paging(params, r.max_results, r.next_token);
  return query_request("DescribeImages", kVersion, params);
}

std::expected<DescribeImagesResult, AwsError> parse_describe_images(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeImages";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "imagesSet")) return std::unexpected(missing_element(op, "imagesSet"));
  DescribeImagesResult out;
  for (pugi::xml_node n : xml_list(xml->result, "imagesSet")) {
    Image image;
    image.image_id = xml_text(n, "imageId");
    image.name = xml_text(n, "name");
    image.state = xml_text(n, "imageState");
    image.description = xml_opt_text(n, "description");
    image.creation_date = xml_time(n, "creationDate");
    image.owner_id = xml_opt_text(n, "imageOwnerId");
    image.tags = read_tags(n);
    for (pugi::xml_node d : xml_list(n, "blockDeviceMapping")) {
      BlockDevice device;
      device.device_name = xml_text(d, "deviceName");
      device.snapshot_id = xml_opt_text(xml_child(d, "ebs"), "snapshotId");
      if (device.snapshot_id && device.snapshot_id->empty()) device.snapshot_id.reset();
      image.block_devices.push_back(std::move(device));
    }
    out.images.push_back(std::move(image));
  }
  out.next_token = next_token(xml->result);
  return out;
}

void describe_images(AwsClient& client, const DescribeImagesRequest& r, ResultCallback<DescribeImagesResult> done) {
  call_and_parse<DescribeImagesResult>(client, kService, build_describe_images(r), parse_describe_images, std::move(done));
}

// --- DeregisterImage / CreateTags -------------------------------------------------------------------

AwsRequest build_deregister_image(std::string_view image_id) {
  return query_request("DeregisterImage", kVersion, {{"ImageId", std::string(image_id)}});
}

void deregister_image(AwsClient& client, std::string_view image_id, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_deregister_image(image_id),
                       [](const HttpResponse& r) { return parse_return_true(r, "DeregisterImage"); }, std::move(done));
}

AwsRequest build_create_tags(const CreateTagsRequest& r) {
  QueryParams params;
  add_ec2_list(params, "ResourceId", r.resource_ids);
  int n = 0;
  for (const auto& [key, value] : r.tags) {
    const std::string prefix = "Tag." + std::to_string(++n);
    params.emplace_back(prefix + ".Key", key);
    params.emplace_back(prefix + ".Value", value);
  }
  return query_request("CreateTags", kVersion, params);
}

void create_tags(AwsClient& client, const CreateTagsRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_create_tags(r),
                       [](const HttpResponse& response) { return parse_return_true(response, "CreateTags"); },
                       std::move(done));
}

// --- DescribeSnapshots / DeleteSnapshot -------------------------------------------------------------

AwsRequest build_describe_snapshots(const DescribeSnapshotsRequest& r) {
  QueryParams params;
  add_ec2_list(params, "SnapshotId", r.snapshot_ids);
  add_ec2_list(params, "Owner", r.owners);
  add_ec2_filters(params, r.filters);
  add_paging(params, r.max_results, r.next_token);
  return query_request("DescribeSnapshots", kVersion, params);
}

std::expected<DescribeSnapshotsResult, AwsError> parse_describe_snapshots(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeSnapshots";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "snapshotSet")) return std::unexpected(missing_element(op, "snapshotSet"));
  DescribeSnapshotsResult out;
  for (pugi::xml_node n : xml_list(xml->result, "snapshotSet")) {
    Snapshot snapshot;
    snapshot.snapshot_id = xml_text(n, "snapshotId");
    snapshot.volume_id = xml_text(n, "volumeId");
    snapshot.state = xml_text(n, "status");
    snapshot.description = xml_opt_text(n, "description");
    snapshot.owner_id = xml_opt_text(n, "ownerId");
    snapshot.tags = read_tags(n);
    out.snapshots.push_back(std::move(snapshot));
  }
  out.next_token = next_token(xml->result);
  return out;
}

void describe_snapshots(AwsClient& client, const DescribeSnapshotsRequest& r,
                        ResultCallback<DescribeSnapshotsResult> done) {
  call_and_parse<DescribeSnapshotsResult>(client, kService, build_describe_snapshots(r), parse_describe_snapshots,
                                          std::move(done));
}

AwsRequest build_delete_snapshot(std::string_view snapshot_id) {
  return query_request("DeleteSnapshot", kVersion, {{"SnapshotId", std::string(snapshot_id)}});
}

void delete_snapshot(AwsClient& client, std::string_view snapshot_id, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_delete_snapshot(snapshot_id),
                       [](const HttpResponse& r) { return parse_return_true(r, "DeleteSnapshot"); }, std::move(done));
}

}  // namespace rg::aws::ec2
