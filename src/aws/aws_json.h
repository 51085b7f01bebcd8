#pragma once
// Reading the JSON 1.0/1.1 answers with nlohmann::json without exceptions: a field that is absent
// or of another type reads as "" / nullopt / an empty array, and each operation's parser decides
// which absences are errors.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_error.h"
#include "core/time.h"

namespace rg::aws {

// An answer body as JSON. An empty body is an empty object (some operations answer 200 with no
// body); anything that does not parse, or is not an object, is a bad_response error.
std::expected<nlohmann::json, AwsError> parse_json_document(std::string_view body, std::string_view operation);

std::string json_str(const nlohmann::json& object, std::string_view key);
std::optional<std::string> json_opt_str(const nlohmann::json& object, std::string_view key);
// Integers; a float with an integral value is accepted (1.0), any other float is not.
std::optional<std::int64_t> json_int(const nlohmann::json& object, std::string_view key);
std::optional<double> json_double(const nlohmann::json& object, std::string_view key);
std::optional<bool> json_bool(const nlohmann::json& object, std::string_view key);
// A timestamp as the JSON protocols send it: epoch seconds (integer or fractional), or an ISO 8601
// string with a zone.
std::optional<TimePoint> json_time(const nlohmann::json& object, std::string_view key);
std::optional<TimePoint> json_time_value(const nlohmann::json& value);
// The member when it is an array / an object, else a shared empty one.
const nlohmann::json& json_array(const nlohmann::json& object, std::string_view key);
const nlohmann::json& json_object(const nlohmann::json& object, std::string_view key);

// TimePoint -> epoch seconds, as the JSON protocols take timestamps (millisecond precision).
double to_epoch_seconds(TimePoint t);

AwsError missing_field(std::string_view operation, std::string_view field);

}  // namespace rg::aws
