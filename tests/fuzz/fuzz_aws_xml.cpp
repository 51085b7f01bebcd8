// Fuzz target: every AWS answer regionguard reads as XML (Query and REST-XML services), one per
// selector byte, with the rest as the body of a 200 answer; then AWS error documents; then the
// CloudFront configuration edits, which rewrite a document the caller received. An answer from
// the network must never crash the controller: each parser returns a value or an AwsError.
// The selector numbers are in tests/fuzz/README.md.
#include "aws/autoscaling_api.h"
#include "aws/cloudfront_api.h"
#include "aws/ec2_api.h"
#include "aws/elbv2_api.h"
#include "aws/rds_api.h"
#include "aws/route53_api.h"
#include "aws/s3_api.h"
#include "aws/sns_api.h"
#include "aws/sts_api.h"
#include "fuzz/aws_answer_fuzzing.h"

namespace {

using rg::aws::HttpResponse;
using rg::fuzz::client_error;
using rg::fuzz::parse;
namespace aws = rg::aws;

void deregister_image(const HttpResponse& response) { (void)aws::ec2::parse_return_true(response, "DeregisterImage"); }

// An error document as a 503, as well as a 400 (client_error).
void server_error(const HttpResponse& response) { (void)aws::parse_service_error({503, response.headers, response.body}); }

void cloudfront_edits(const HttpResponse& response) {
  (void)aws::cloudfront::summarize_distribution_config(response.body);
  (void)aws::cloudfront::set_default_target_origin(response.body, "west");
  (void)aws::cloudfront::set_origin_group_primary(response.body, "failover", "west");
}

constexpr std::array<rg::fuzz::AnswerParser, 27> kParsers{
    &parse<aws::route53::parse_list_resource_record_sets>,        // 0
    &parse<aws::route53::parse_change_resource_record_sets>,      // 1
    &parse<aws::route53::parse_get_change>,                       // 2
    &parse<aws::route53::parse_create_health_check>,              // 3
    &parse<aws::route53::parse_get_health_check_status>,          // 4
    &parse<aws::cloudfront::parse_get_distribution_config>,       // 5
    &parse<aws::cloudfront::parse_update_distribution>,           // 6
    &parse<aws::s3::parse_get_bucket_versioning>,                 // 7
    &parse<aws::s3::parse_get_bucket_replication>,                // 8
    &parse<aws::autoscaling::parse_describe_auto_scaling_groups>,  // 9
    &parse<aws::elbv2::parse_describe_target_health>,             // 10
    &parse<aws::elbv2::parse_describe_target_groups>,             // 11
    &parse<aws::rds::parse_describe_db_instances>,                // 12
    &parse<aws::rds::parse_promote_read_replica>,                 // 13
    &parse<aws::sns::parse_publish>,                              // 14
    &parse<aws::sns::parse_create_topic>,                         // 15
    &parse<aws::sts::parse_get_caller_identity>,                  // 16
    &parse<aws::ec2::parse_describe_instances>,                   // 17
    &parse<aws::ec2::parse_describe_instance_status>,             // 18
    &parse<aws::ec2::parse_create_image>,                         // 19
    &parse<aws::ec2::parse_copy_image>,                           // 20
    &parse<aws::ec2::parse_describe_images>,                      // 21
    &parse<aws::ec2::parse_describe_snapshots>,                   // 22
    &deregister_image,                                            // 23
    &client_error,                                                // 24
    &server_error,                                                // 25
    &cloudfront_edits,                                            // 26
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rg::fuzz::run_answer_parser(kParsers, {{"Content-Type", "text/xml"}, {"ETag", "E2QWRUHAPOMQZL"}}, data, size);
}
