// What the three protocols put on the wire, checked against what botocore sends (moto.md's
// captures), and how they read answers and refuse broken ones.
#include <gtest/gtest.h>

#include "aws/autoscaling_api.h"
#include "aws/cloudwatch_api.h"
#include "aws/ec2_api.h"
#include "aws/elbv2_api.h"
#include "aws/protocol_json.h"
#include "aws/protocol_query.h"
#include "aws/protocol_rest_xml.h"
#include "aws/route53_api.h"
#include "aws/s3_api.h"
#include "aws/ssm_api.h"

namespace rg::aws {
namespace {

HttpResponse ok(std::string body, HttpHeaders headers = {}) { return {200, std::move(headers), std::move(body)}; }

TEST(QueryProtocol, PostsAFormWithActionAndVersionFirst) {
  const AwsRequest r = autoscaling::build_describe_auto_scaling_groups({{"app-east", "app dr"}, 50, std::nullopt});
  EXPECT_EQ(r.operation, "DescribeAutoScalingGroups");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(find_header(r.headers, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.body,
            "Action=DescribeAutoScalingGroups&Version=2011-01-01&AutoScalingGroupNames.member.1=app-east&"
            "AutoScalingGroupNames.member.2=app+dr&MaxRecords=50");
}

TEST(QueryProtocol, Ec2ListsAndFiltersAreNumberedWithoutMember) {
  ec2::DescribeImagesRequest request;
  request.owners = {"self"};
  request.filters = {{"tag:Role", {"dr", "primary"}}, {"state", {"available"}}};
  EXPECT_EQ(ec2::build_describe_images(request).body,
            "Action=DescribeImages&Version=2016-11-15&Owner.1=self&Filter.1.Name=tag%3ARole&Filter.1.Value.1=dr&"
            "Filter.1.Value.2=primary&Filter.2.Name=state&Filter.2.Value.1=available");
  EXPECT_EQ(ec2::build_create_tags({{"ami-1", "ami-2"}, {{"Role", "dr"}}}).body,
            "Action=CreateTags&Version=2016-11-15&ResourceId.1=ami-1&ResourceId.2=ami-2&Tag.1.Key=Role&Tag.1.Value=dr");
  EXPECT_EQ(ec2::build_create_image({"i-1", "app-2026", std::nullopt, true, {{"Role", "dr"}}}).body,
            "Action=CreateImage&Version=2016-11-15&InstanceId=i-1&Name=app-2026&NoReboot=true&"
            "TagSpecification.1.ResourceType=image&TagSpecification.1.Tag.1.Key=Role&TagSpecification.1.Tag.1.Value=dr");
}

TEST(QueryProtocol, StructuresInMemberLists) {
  elbv2::DescribeTargetHealthRequest request{"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/1",
                                             {{"i-1", 80, std::nullopt}}};
  EXPECT_EQ(elbv2::build_describe_target_health(request).body,
            "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A"
            "123456789012%3Atargetgroup%2Fapp%2F1&Targets.member.1.Id=i-1&Targets.member.1.Port=80");
}

TEST(QueryProtocol, FindsTheResultElementOrUsesTheRootForEc2) {
  auto query = parse_query_response(
      ok(R"(<SetDesiredCapacityResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SetDesiredCapacityResponse>)"),
      "SetDesiredCapacity");
  ASSERT_TRUE(query) << query.error().to_string();
  EXPECT_EQ(xml_local_name(query->result), "SetDesiredCapacityResponse");
  auto wrong = parse_query_response(ok("<OtherResponse/>"), "SetDesiredCapacity");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "SetDesiredCapacity: expected <SetDesiredCapacityResponse>, the answer is <OtherResponse>");
}

TEST(QueryProtocol, ATruncatedDocumentIsABadResponse) {
  const std::string full =
      R"(<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>a</AutoScalingGroupName></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>)";
  auto parsed = autoscaling::parse_describe_auto_scaling_groups(ok(full.substr(0, full.size() / 2)));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, AwsErrorKind::bad_response);
  EXPECT_TRUE(parsed.error().message.starts_with("DescribeAutoScalingGroups: the answer is not well-formed XML ("))
      << parsed.error().message;
  auto html = autoscaling::parse_describe_auto_scaling_groups(ok("<html><body>gateway</body></html>"));
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().kind, AwsErrorKind::bad_response);
  auto empty = autoscaling::parse_describe_auto_scaling_groups(ok(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, AwsErrorKind::bad_response);
}

TEST(JsonProtocol, TargetsAndContentTypes) {
  const AwsRequest ssm = ssm::build_get_parameter({"/rg/active", true});
  EXPECT_EQ(find_header(ssm.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(find_header(ssm.headers, "X-Amz-Target"), "AmazonSSM.GetParameter");
  EXPECT_EQ(ssm.body, R"({"Name":"/rg/active","WithDecryption":true})");
  EXPECT_FALSE(find_header(ssm.headers, "x-amzn-query-mode"));

  // CloudWatch as botocore sends it (moto.md): JSON 1.0, Granite target, query mode.
  cloudwatch::PutMetricDataRequest put;
  put.namespace_ = "Failover/App";
  cloudwatch::MetricDatum datum;
  datum.metric_name = "Latency";
  datum.dimensions = {{"Region", "us-east-1"}};
  datum.value = 12.5;
  datum.unit = "Milliseconds";
  put.metric_data = {datum};
  const AwsRequest cw = cloudwatch::build_put_metric_data(put);
  EXPECT_EQ(find_header(cw.headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(find_header(cw.headers, "X-Amz-Target"), "GraniteServiceVersion20100801.PutMetricData");
  EXPECT_EQ(find_header(cw.headers, "x-amzn-query-mode"), "true");
  EXPECT_EQ(nlohmann::json::parse(cw.body),
            nlohmann::json::parse(R"({"Namespace": "Failover/App", "MetricData": [{"MetricName": "Latency", "Dimensions": [{"Name": "Region", "Value": "us-east-1"}], "Value": 12.5, "Unit": "Milliseconds"}]})"));
}

TEST(JsonProtocol, TimestampsGoAsEpochSeconds) {
  cloudwatch::GetMetricDataRequest request;
  request.start_time = from_unix_us(1795252000'000000);
  request.end_time = from_unix_us(1795252300'500000);
  request.queries = {{"lag", cloudwatch::MetricStat{{"AWS/RDS", "ReplicaLag", {{"DBInstanceIdentifier", "db-west"}}}, 60, "Maximum", std::nullopt},
                      std::nullopt, std::nullopt, true, std::nullopt}};
  const auto body = nlohmann::json::parse(cloudwatch::build_get_metric_data(request).body);
  EXPECT_EQ(body["StartTime"], 1795252000.0);
  EXPECT_EQ(body["EndTime"], 1795252300.5);
  EXPECT_EQ(body["MetricDataQueries"][0]["MetricStat"]["Metric"]["MetricName"], "ReplicaLag");
  EXPECT_EQ(body["MetricDataQueries"][0]["ReturnData"], true);
}

TEST(JsonProtocol, AnEmptyBodyIsAnEmptyObjectAndGarbageIsABadResponse) {
  EXPECT_TRUE(parse_json_response(ok(""), "PutMetricAlarm"));
  auto garbage = parse_json_response(ok("{\"Version\": 1"), "PutParameter");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message, "PutParameter: the answer is not valid JSON (13 bytes)");
  auto array = parse_json_response(ok("[1]"), "PutParameter");
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error().message, "PutParameter: the answer is JSON but not an object");
  // A field of the wrong type reads as missing, never throws.
  auto wrong_type = ssm::parse_put_parameter(ok(R"({"Version": "one"})"));
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().message, "PutParameter: the answer has no \"Version\"");
}

TEST(RestXmlProtocol, ChangeResourceRecordSetsIsWhatBotocoreSends) {
  route53::ChangeResourceRecordSetsRequest request;
  request.hosted_zone_id = "/hostedzone/Z0123";
  request.comment = "wire";
  route53::ResourceRecordSet record;
  record.name = "app.wire.example";
  record.type = "A";
  record.set_identifier = "primary";
  record.failover = "PRIMARY";
  record.ttl = 60;
  record.values = {"192.0.2.1"};
  request.changes = {{route53::ChangeAction::upsert, record}};
  const AwsRequest r = route53::build_change_resource_record_sets(request);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/2013-04-01/hostedzone/Z0123/rrset/");
  EXPECT_TRUE(r.headers.empty()) << "botocore sends no Content-Type for REST-XML";
  EXPECT_EQ(r.body,
            R"(<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Comment>wire</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>app.wire.example</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier><Failover>PRIMARY</Failover><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>)");
}

TEST(RestXmlProtocol, EscapesTextAndPathSegments) {
  route53::CreateHealthCheckRequest request;
  request.caller_reference = "rg<&>\"'";
  request.config.type = "HTTPS_STR_MATCH";
  request.config.fully_qualified_domain_name = "app.example.com";
  request.config.search_string = "<ok>";
  request.config.regions = {"us-east-1", "eu-west-1", "ap-southeast-1"};
  const AwsRequest r = route53::build_create_health_check(request);
  EXPECT_NE(r.body.find("<CallerReference>rg&lt;&amp;&gt;&quot;&apos;</CallerReference>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<SearchString>&lt;ok&gt;</SearchString>"), std::string::npos);
  EXPECT_NE(r.body.find("<Regions><Region>us-east-1</Region><Region>eu-west-1</Region><Region>ap-southeast-1</Region></Regions>"),
            std::string::npos);
  EXPECT_EQ(route53::build_get_health_check_status("a b/c").path, "/2013-04-01/healthcheck/a%20b%2Fc/status");
  EXPECT_EQ(route53::build_list_resource_record_sets({"Z1", "app.example.com.", "A", std::nullopt, 300}).query,
            (QueryParams{{"name", "app.example.com."}, {"type", "A"}, {"maxitems", "300"}}));
}

TEST(RestXmlProtocol, S3AddressingIsVirtualHostedOnlyOnTheBuiltInEndpoint) {
  Endpoint builtin{"https://s3.us-west-2.amazonaws.com", "us-west-2", "s3", EndpointSource::builtin};
  Endpoint moto{"http://127.0.0.1:4566", "us-west-2", "s3", EndpointSource::env_global};
  EXPECT_TRUE(s3::use_virtual_hosting(builtin, "app-data"));
  EXPECT_FALSE(s3::use_virtual_hosting(builtin, "app.data"));
  EXPECT_FALSE(s3::use_virtual_hosting(moto, "app-data"));
  const AwsRequest vhost = s3::build_get_bucket_versioning("app-data", true);
  EXPECT_EQ(vhost.host_prefix, "app-data.");
  EXPECT_EQ(vhost.path, "/");
  EXPECT_EQ(vhost.query, (QueryParams{{"versioning", ""}}));
  const AwsRequest path = s3::build_get_bucket_replication("app-data", false);
  EXPECT_EQ(path.host_prefix, "");
  EXPECT_EQ(path.path, "/app-data");
  EXPECT_EQ(path.method, "GET");
}

TEST(RestXmlProtocol, EtagsLoseTheirQuotes) {
  EXPECT_EQ(etag_header(ok("", {{"ETag", "E2QWRUHAPOMQZL"}})), "E2QWRUHAPOMQZL");
  EXPECT_EQ(etag_header(ok("", {{"etag", "\"9b2cf535f27731c974343645a3985328\""}})), "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(etag_header(ok("")), std::nullopt);
}

TEST(ServiceErrors, CloudWatchJsonErrorsPreferTheQueryCode) {
  const AwsError e = parse_service_error(HttpResponse{
      400,
      {{"x-amzn-query-error", "InvalidParameterValue;Sender"}},
      R"({"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The value 7 for parameter Period is not a valid period."})"});
  EXPECT_EQ(e.code, "InvalidParameterValue");
  EXPECT_EQ(e.message, "The value 7 for parameter Period is not a valid period.");
}

}  // namespace
}  // namespace rg::aws
