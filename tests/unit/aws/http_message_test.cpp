// URL parsing and encoding, AWS error documents, AWS timestamps.
#include "aws/http_message.h"

#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "aws/aws_time.h"

namespace rg::aws {
namespace {

TEST(Url, SplitsSchemeHostPortPathAndQuery) {
  const Url u = parse_url("HTTPS://Example.com:8443/a%20b/c?x=1&y=2#frag").value();
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "Example.com");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.path, "/a%20b/c");
  EXPECT_EQ(u.query, "x=1&y=2");
  EXPECT_EQ(host_header_value(u), "example.com:8443");
}

TEST(Url, KeepsIpv6BracketsAndDropsDefaultPorts) {
  const Url v6 = parse_url("http://[fd00:ec2::254]/latest").value();
  EXPECT_EQ(v6.host, "[fd00:ec2::254]");
  EXPECT_FALSE(v6.port);
  EXPECT_EQ(host_header_value(parse_url("http://[::1]:80/").value()), "[::1]");
  EXPECT_EQ(host_header_value(parse_url("https://h:443").value()), "h");
  EXPECT_EQ(host_header_value(parse_url("http://h:443").value()), "h:443");
  const Url bare = parse_url("https://sts.amazonaws.com").value();
  EXPECT_EQ(bare.path, "");
  EXPECT_EQ(bare.query, "");
}

TEST(Url, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* bad : {"sts.amazonaws.com/", "ftp://h/", "https:///x", "https://user@h/", "https://h:0/",
                          "https://h:99999/", "https://h:/", "https://h/a b", "https://[::1/"}) {
    const auto u = parse_url(bad);
    ASSERT_FALSE(u.has_value()) << bad;
    EXPECT_EQ(u.error().kind, AwsErrorKind::invalid_argument);
  }
}

TEST(Encoding, FollowsAwsRules) {
  EXPECT_EQ(uri_encode("a b+c/~_-.*ü"), "a%20b%2Bc%2F~_-.%2A%C3%BC");
  EXPECT_EQ(uri_encode("/a b/c", /*encode_slash=*/false), "/a%20b/c");
  EXPECT_EQ(uri_decode("%C3%bc%2x%"), "ü%2x%");
  EXPECT_EQ(uri_decode("a+b"), "a+b");
  EXPECT_EQ(encode_query({{"b", "x y"}, {"a", "1"}, {"a", "2"}}), "b=x%20y&a=1&a=2");
  // botocore's Query-protocol bodies: spaces as '+'.
  EXPECT_EQ(encode_form({{"RoleSessionName", "rg session"}, {"RoleArn", "arn:aws:iam::1:role/x"}}),
            "RoleSessionName=rg+session&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx");
}

TEST(Headers, FindSetAndRemoveIgnoreCase) {
  HttpHeaders h{{"X-A", "1"}, {"x-a", "2"}, {"Other", "o"}};
  EXPECT_EQ(find_header(h, "X-a"), "1");
  set_header(h, "X-A", "3");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(find_header(h, "x-a"), "3");
  remove_header(h, "OTHER");
  EXPECT_FALSE(find_header(h, "other"));
}

HttpResponse answer(int status, std::string body, HttpHeaders headers = {}) { return {status, std::move(headers), std::move(body)}; }

TEST(ServiceError, ReadsQueryAndRestXmlErrors) {
  const auto e = parse_service_error(answer(403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>)"));
  EXPECT_EQ(e.kind, AwsErrorKind::service_error);
  EXPECT_EQ(e.code, "AccessDenied");
  EXPECT_EQ(e.message, "not authorized to perform: sts:AssumeRole");
  EXPECT_EQ(e.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.to_string(),
            "service_error: AccessDenied (HTTP 403): not authorized to perform: sts:AssumeRole "
            "[request c6104cbe-af31-11e0-8154-cbc7ccf896c7]");
}

TEST(ServiceError, ReadsRoute53LowerCaseMessageAndEc2Errors) {
  const auto r53 = parse_service_error(answer(
      404, R"(<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><message>No hosted zone found with ID: Z1</message></Error><RequestId>r1</RequestId></ErrorResponse>)"));
  EXPECT_EQ(r53.code, "NoSuchHostedZone");
  EXPECT_EQ(r53.message, "No hosted zone found with ID: Z1");
  const auto ec2 = parse_service_error(answer(
      400, R"(<Response><Errors><Error><Code>InvalidAMIID.NotFound</Code><Message>The image id '[ami-1]' does not exist</Message></Error></Errors><RequestID>e1</RequestID></Response>)"));
  EXPECT_EQ(ec2.code, "InvalidAMIID.NotFound");
  EXPECT_EQ(ec2.request_id, "e1");
  const auto s3 = parse_service_error(answer(
      404, R"(<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>s1</RequestId></Error>)"));
  EXPECT_EQ(s3.code, "NoSuchKey");
}

// Route 53 answers a refused change batch with its own root element, not <ErrorResponse> (the
// error shape InvalidChangeBatch of the Route 53 API; the AWS SDKs parse it specially). The
// failover's compare-and-swap depends on reading its code.
TEST(ServiceError, ReadsRoute53sInvalidChangeBatch) {
  const auto refused = parse_service_error(answer(
      400, R"(<?xml version="1.0"?>
<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>Tried to delete resource record set [name='app.example.com.', type='CNAME'] but the values provided do not match the current values</Message><Message>second</Message></Messages><RequestId>b1</RequestId></InvalidChangeBatch>)"));
  EXPECT_EQ(refused.code, "InvalidChangeBatch");
  EXPECT_EQ(refused.message,
            "Tried to delete resource record set [name='app.example.com.', type='CNAME'] but the values provided do not "
            "match the current values; second");
  EXPECT_EQ(refused.request_id, "b1");
}

TEST(ServiceError, ReadsJsonErrors) {
  const auto dynamo = parse_service_error(answer(
      400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})",
      {{"x-amzn-RequestId", "d1"}}));
  EXPECT_EQ(dynamo.code, "ResourceNotFoundException");
  EXPECT_EQ(dynamo.message, "Requested resource not found");
  EXPECT_EQ(dynamo.request_id, "d1");
  const auto cw = parse_service_error(answer(404, R"({"__type":"GraniteServiceVersion20100801#ResourceNotFound","Message":"gone"})"));
  EXPECT_EQ(cw.code, "ResourceNotFound");
  EXPECT_EQ(cw.message, "gone");
  const auto header_only = parse_service_error(answer(400, "{}", {{"x-amzn-ErrorType", "ThrottlingException:http://internal"}}));
  EXPECT_EQ(header_only.code, "ThrottlingException");
}

TEST(ServiceError, DescribesAnHtmlCrashPage) {
  const auto e = parse_service_error(answer(500, "<!doctype html>\n<html><title>500 Internal Server Error</title></html>"));
  EXPECT_EQ(e.code, "");
  EXPECT_EQ(e.http_status, 500);
  EXPECT_NE(e.message.find("500 Internal Server Error"), std::string::npos);
  EXPECT_EQ(parse_service_error(answer(503, "")).message, "empty error body");
}

TEST(AwsTime, FormatsAndParsesSigV4Dates) {
  const TimePoint t = parse_amz_date("20150830T123600Z").value();
  EXPECT_EQ(format_amz_date(t), "20150830T123600Z");
  EXPECT_EQ(format_scope_date(t), "20150830");
  EXPECT_EQ(format_amz_date(t + std::chrono::milliseconds{999}), "20150830T123600Z");
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20150230T123600Z"));  // 30 February
}

TEST(AwsTime, ParsesExpirationsInTheShapesAwsWrites) {
  const TimePoint z = parse_iso8601("2026-11-21T07:50:25Z").value();
  EXPECT_EQ(format_amz_date(z), "20261121T075025Z");
  EXPECT_EQ(parse_iso8601("2026-11-21T07:50:25.500Z").value(), z + std::chrono::milliseconds{500});
  EXPECT_EQ(parse_iso8601("2026-11-21T09:50:25+02:00").value(), z);
  EXPECT_EQ(parse_iso8601("2026-11-21T02:50:25-0500").value(), z);
  EXPECT_EQ(parse_iso8601("2026-11-21 07:50:25z").value(), z);
  EXPECT_FALSE(parse_iso8601("2026-11-21T07:50:25"));  // no zone: refused, not guessed
  EXPECT_FALSE(parse_iso8601("2026-13-21T07:50:25Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-21T07:50:25Zjunk"));
  EXPECT_FALSE(parse_iso8601("tomorrow"));
}

}  // namespace
}  // namespace rg::aws
