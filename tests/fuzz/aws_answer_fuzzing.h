#pragma once
// What the two AWS answer targets (fuzz_aws_xml, fuzz_aws_json) share: a table of parsers, each
// run on a 2xx answer whose body is the input after the selector byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/aws_error.h"
#include "aws/http_message.h"
#include "fuzz/fuzz_input.h"

namespace rg::fuzz {

using AnswerParser = void (*)(const aws::HttpResponse&);

// A typed call's answer parser, its result dropped: it must return a value or an AwsError.
template <auto Parse>
void parse(const aws::HttpResponse& response) {
  (void)Parse(response);
}

// An error document as a 400 (parse_service_error reads XML and JSON ones alike).
inline void client_error(const aws::HttpResponse& response) {
  (void)aws::parse_service_error({400, response.headers, response.body});
}

// The parser the first byte selects, on a 200 answer with `headers` and the rest as its body.
template <std::size_t N>
int run_answer_parser(const std::array<AnswerParser, N>& parsers, aws::HttpHeaders headers, const std::uint8_t* data,
                      std::size_t size) {
  const auto [selector, body] = select(data, size, static_cast<std::uint8_t>(N));
  if (selector >= N) return 0;
  parsers[selector]({200, std::move(headers), std::string(body)});
  return 0;
}

}  // namespace rg::fuzz
