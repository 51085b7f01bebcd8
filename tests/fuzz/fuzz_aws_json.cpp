// Fuzz target: every AWS answer regionguard reads as JSON (JSON 1.0/1.1 services), one per
// selector byte, with the rest as the body of a 200 answer; then AWS error documents. Each parser
// returns a value or an AwsError, whatever the body. The selector numbers are in
// tests/fuzz/README.md.
#include "aws/cloudwatch_api.h"
#include "aws/dynamodb_api.h"
#include "aws/ecs_api.h"
#include "aws/ssm_api.h"
#include "fuzz/aws_answer_fuzzing.h"

namespace {

using rg::fuzz::client_error;
using rg::fuzz::parse;
namespace aws = rg::aws;

constexpr std::array<rg::fuzz::AnswerParser, 10> kParsers{
    &parse<aws::cloudwatch::parse_get_metric_data>,   // 0
    &parse<aws::cloudwatch::parse_put_dashboard>,     // 1
    &parse<aws::cloudwatch::parse_get_dashboard>,     // 2
    &parse<aws::cloudwatch::parse_describe_alarms>,   // 3
    &parse<aws::dynamodb::parse_describe_table>,      // 4
    &parse<aws::ecs::parse_describe_services>,        // 5
    &parse<aws::ecs::parse_update_service>,           // 6
    &parse<aws::ssm::parse_get_parameter>,            // 7
    &parse<aws::ssm::parse_put_parameter>,            // 8
    &client_error,                                    // 9
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rg::fuzz::run_answer_parser(kParsers, {{"Content-Type", "application/x-amz-json-1.1"}}, data, size);
}
