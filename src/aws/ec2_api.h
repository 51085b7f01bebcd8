#pragma once
// Amazon EC2 (EC2's Query variant, API 2016-11-15). Per-region. Lists are "Name.N", answers are
// <XResponse><requestId/>... without a Result wrapper, items are <item>, and errors are
// <Response><Errors><Error>.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "aws/protocol_query.h"

namespace rg::aws::ec2 {

inline constexpr std::string_view kService = "ec2";
inline constexpr std::string_view kVersion = "2016-11-15";

using Tags = std::map<std::string, std::string, std::less<>>;
using Filter = Ec2Filter;

// --- DescribeInstances ------------------------------------------------------------------------------

struct Instance {
  std::string instance_id;
  std::string image_id;
  std::string instance_type;
  std::string state;  // pending | running | shutting-down | terminated | stopping | stopped
  std::int64_t state_code = 0;
  std::optional<std::string> availability_zone;
  std::optional<std::string> private_ip;
  std::optional<std::string> public_ip;
  std::optional<TimePoint> launch_time;
  Tags tags;
};

struct DescribeInstancesRequest {
  std::vector<std::string> instance_ids;
  std::vector<Filter> filters;  // "instance-state-name", "tag:Role", ...
  std::optional<int> max_results;
  std::optional<std::string> next_token;
};

struct DescribeInstancesResult {
  std::vector<Instance> instances;  // of every reservation, flattened
  std::optional<std::string> next_token;
};

AwsRequest build_describe_instances(const DescribeInstancesRequest& request);
std::expected<DescribeInstancesResult, AwsError> parse_describe_instances(const HttpResponse& response);
void describe_instances(AwsClient& client, const DescribeInstancesRequest& request, ResultCallback<DescribeInstancesResult> done);

// --- DescribeInstanceStatus -------------------------------------------------------------------------

struct InstanceStatus {
  std::string instance_id;
  std::string availability_zone;
  std::string state;            // instanceState/name
  std::string system_status;    // ok | impaired | insufficient-data | not-applicable | initializing
  std::string instance_status;  // the same values
  std::vector<std::string> event_codes;  // scheduled events: instance-reboot, system-maintenance, ...
  bool ok() const { return system_status == "ok" && instance_status == "ok"; }
};

struct DescribeInstanceStatusRequest {
  std::vector<std::string> instance_ids;
  std::vector<Filter> filters;
  bool include_all_instances = false;  // also instances that are not running
  std::optional<int> max_results;
  std::optional<std::string> next_token;
};

struct DescribeInstanceStatusResult {
  std::vector<InstanceStatus> statuses;
  std::optional<std::string> next_token;
};

AwsRequest build_describe_instance_status(const DescribeInstanceStatusRequest& request);
std::expected<DescribeInstanceStatusResult, AwsError> parse_describe_instance_status(const HttpResponse& response);
void describe_instance_status(AwsClient& client, const DescribeInstanceStatusRequest& request,
                              ResultCallback<DescribeInstanceStatusResult> done);

// --- CreateImage / CopyImage ------------------------------------------------------------------------

struct CreateImageRequest {
  std::string instance_id;
  std::string name;
  std::optional<std::string> description;
  std::optional<bool> no_reboot;
  Tags tags;  // put on the image (TagSpecification ResourceType=image)
};

AwsRequest build_create_image(const CreateImageRequest& request);
// The new image id.
std::expected<std::string, AwsError> parse_create_image(const HttpResponse& response);
void create_image(AwsClient& client, const CreateImageRequest& request, ResultCallback<std::string> done);

// Called with a client of the destination region.
struct CopyImageRequest {
  std::string source_region;
  std::string source_image_id;
  std::string name;
  std::optional<std::string> description;
  std::optional<bool> copy_image_tags;
};

AwsRequest build_copy_image(const CopyImageRequest& request);
std::expected<std::string, AwsError> parse_copy_image(const HttpResponse& response);
void copy_image(AwsClient& client, const CopyImageRequest& request, ResultCallback<std::string> done);

// --- DescribeImages ---------------------------------------------------------------------------------

// An EBS volume of an image: its snapshot is what the image costs, and stays when the image is
// deregistered unless deleted too.
struct BlockDevice {
  std::string device_name;
  std::optional<std::string> snapshot_id;  // absent for instance-store and "no device" entries
};

struct Image {
  std::string image_id;
  std::string name;
  std::string state;  // pending | available | invalid | deregistered | transient | failed | error
  std::optional<std::string> description;
  std::optional<TimePoint> creation_date;
  std::optional<std::string> owner_id;
  Tags tags;
  std::vector<BlockDevice> block_devices;
};

struct DescribeImagesRequest {
  std::vector<std::string> image_ids;
  std::vector<std::string> owners;  // "self", account ids; note: "amazon" lists thousands
  std::vector<Filter> filters;      // "tag:Role", "state", "name", ...
  std::optional<int> max_results;
  std::optional<std::string> next_token;
};

struct DescribeImagesResult {
  std::vector<Image> images;
  std::optional<std::string> next_token;
};

AwsRequest build_describe_images(const DescribeImagesRequest& request);
std::expected<DescribeImagesResult, AwsError> parse_describe_images(const HttpResponse& response);
void describe_images(AwsClient& client, const DescribeImagesRequest& request, ResultCallback<DescribeImagesResult> done);

// --- DeregisterImage / CreateTags -------------------------------------------------------------------

AwsRequest build_deregister_image(std::string_view image_id);
void deregister_image(AwsClient& client, std::string_view image_id, ResultCallback<void> done);

struct CreateTagsRequest {
  std::vector<std::string> resource_ids;
  Tags tags;
};

AwsRequest build_create_tags(const CreateTagsRequest& request);
void create_tags(AwsClient& client, const CreateTagsRequest& request, ResultCallback<void> done);

// --- DescribeSnapshots / DeleteSnapshot -------------------------------------------------------------

struct Snapshot {
  std::string snapshot_id;
  std::string volume_id;
  std::string state;  // pending | completed | error
  std::optional<std::string> description;
  std::optional<std::string> owner_id;
  Tags tags;
};

struct DescribeSnapshotsRequest {
  std::vector<std::string> snapshot_ids;
  std::vector<std::string> owners;  // "self"; without it (and ids) public snapshots are listed too
  std::vector<Filter> filters;
  std::optional<int> max_results;
  std::optional<std::string> next_token;
};

struct DescribeSnapshotsResult {
  std::vector<Snapshot> snapshots;
  std::optional<std::string> next_token;
};

AwsRequest build_describe_snapshots(const DescribeSnapshotsRequest& request);
std::expected<DescribeSnapshotsResult, AwsError> parse_describe_snapshots(const HttpResponse& response);
void describe_snapshots(AwsClient& client, const DescribeSnapshotsRequest& request,
                        ResultCallback<DescribeSnapshotsResult> done);

// Fails with InvalidSnapshot.InUse while a registered image still uses it: deregister first.
AwsRequest build_delete_snapshot(std::string_view snapshot_id);
void delete_snapshot(AwsClient& client, std::string_view snapshot_id, ResultCallback<void> done);

// The parser of DeregisterImage, CreateTags, DeleteSnapshot: <return>true</return> (or no <return>, as moto's
// CreateTags); <return>false</return> is a bad_response.
std::expected<void, AwsError> parse_return_true(const HttpResponse& response, std::string_view action);

}  // namespace rg::aws::ec2
