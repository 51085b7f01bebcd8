#include "aws/aws_json.h"

#include <cmath>
#include <limits>

#include "aws/aws_time.h"

namespace rg::aws {
namespace {

const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::expected<nlohmann::json, AwsError> parse_json_document(std::string_view body, std::string_view operation) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(operation) + ": the answer is not valid JSON (" +
                                                                      std::to_string(body.size()) + " bytes)"));
  }
  if (!json.is_object()) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(operation) + ": the answer is JSON but not an object"));
  }
  return json;
}

std::string json_str(const nlohmann::json& object, std::string_view key) { return json_opt_str(object, key).value_or(""); }

std::optional<std::string> json_opt_str(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<std::int64_t> json_int(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    const double d = value->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> json_double(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

std::optional<bool> json_bool(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  if (value == nullptr || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}

std::optional<TimePoint> json_time_value(const nlohmann::json& value) {
  if (value.is_number()) {
    const double seconds = value.get<double>();
    if (!std::isfinite(seconds) || std::fabs(seconds) > 1.0e11) return std::nullopt;
    return TimePoint{std::chrono::microseconds{static_cast<std::int64_t>(std::llround(seconds * 1e6))}};
  }
  if (value.is_string()) {
    auto t = parse_iso8601(value.get<std::string>());
    if (t) return *t;
  }
  return std::nullopt;
}

std::optional<TimePoint> json_time(const nlohmann::json& object, std::string_view key) {
  const auto* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  return json_time_value(*value);
}

const nlohmann::json& json_array(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const auto* value = member(object, key);
  return value != nullptr && value->is_array() ? *value : empty;
}

const nlohmann::json& json_object(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto* value = member(object, key);
  return value != nullptr && value->is_object() ? *value : empty;
}

double to_epoch_seconds(TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

AwsError missing_field(std::string_view operation, std::string_view field) {
  return make_error(AwsErrorKind::bad_response, std::string(operation) + ": the answer has no \"" + std::string(field) + "\"");
}

}  // namespace rg::aws
