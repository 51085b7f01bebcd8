#pragma once
// The Query protocol (Auto Scaling, ELBv2, RDS, SNS, STS) and EC2's variant of it.
//
// Request: POST / with a form-encoded body "Action=X&Version=YYYY-MM-DD&..." and
// Content-Type: application/x-www-form-urlencoded; charset=utf-8, as botocore sends it. Lists are
// flattened: "Names.member.1=a&Names.member.2=b" in the Query protocol, "InstanceId.1=i-1" in EC2's;
// structures in lists: "Filter.1.Name=...&Filter.1.Value.1=...".
// Answer: XML. Query: <XResponse><XResult>...</XResult><ResponseMetadata><RequestId/>...;
// EC2: <XResponse><requestId/>... with the fields directly under the root.
// Errors are read by parse_service_error (aws_error.h): <ErrorResponse><Error>... and EC2's
// <Response><Errors><Error>....
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "aws/aws_xml.h"

namespace rg::aws {

AwsRequest query_request(std::string action, std::string_view version, const QueryParams& params);

// "Prefix.member.1", "Prefix.member.2", ... (Query protocol lists)
void add_member_list(QueryParams& params, std::string_view prefix, const std::vector<std::string>& values);
// "Prefix.1", "Prefix.2", ... (EC2 lists)
void add_ec2_list(QueryParams& params, std::string_view prefix, const std::vector<std::string>& values);

struct Ec2Filter {
  std::string name;
  std::vector<std::string> values;
};
// "Filter.1.Name=tag:Role&Filter.1.Value.1=dr"
void add_ec2_filters(QueryParams& params, const std::vector<Ec2Filter>& filters);

// The result element of a Query answer: <ActionResult> under the root; for EC2 (and Query
// actions without a result, which answer <ActionResponse><ResponseMetadata/>) the root itself.
// A root named other than <ActionResponse> is a bad_response.
std::expected<XmlResponse, AwsError> parse_query_response(const HttpResponse& response, std::string_view action);

// The parser of an action whose answer carries nothing regionguard reads: the body must still be
// that action's response document (a truncated or foreign body is a bad_response).
std::function<std::expected<void, AwsError>(const HttpResponse&)> query_no_result(std::string action);

}  // namespace rg::aws
