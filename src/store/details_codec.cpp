#include "store/details_codec.h"

#include <nlohmann/json.hpp>

namespace rg {

namespace {
using nlohmann::json;

json phases_json(const HttpPhases& p) {
  return {{"dns", p.dns.count()},
          {"connect", p.connect.count()},
          {"tls", p.tls.count()},
          {"first_byte", p.first_byte.count()},
          {"total", p.total.count()}};
}

HttpPhases phases_from(const json& j) {
  auto us = [&](const char* key) { return std::chrono::microseconds(j.value(key, std::int64_t{0})); };
  return {us("dns"), us("connect"), us("tls"), us("first_byte"), us("total")};
}
}  // namespace

StoreResult<std::string> encode_details(const ProbeResult& result) {
  if (!result.http && !result.resource && result.warnings.empty()) return std::string("{}");
  try {
    json details = json::object();
    if (result.http) {
      const auto& h = *result.http;
      json http{{"status", h.status_code},
                {"phases_us", phases_json(h.phases)},
                {"remote_address", h.remote_address},
                {"tls_verified", h.tls_verified},
                {"redirects", h.redirects}};
      if (h.certificate_days_left) http["certificate_days_left"] = *h.certificate_days_left;
      details["http"] = std::move(http);
    }
    if (result.resource) {
      const auto& r = *result.resource;
      json resource{{"state", r.state}, {"healthy", r.healthy}, {"expected", r.expected}};
      if (r.headroom) resource["headroom"] = *r.headroom;
      if (r.replica_lag_seconds) resource["replica_lag_seconds"] = *r.replica_lag_seconds;
      details["resource"] = std::move(resource);
    }
    if (!result.warnings.empty()) details["warnings"] = result.warnings;
    return details.dump();
  } catch (const json::exception& e) {  // invalid UTF-8 in a warning or address
    return std::unexpected(StoreError{StoreError::Code::bad_argument, std::string("details: ") + e.what()});
  }
}

StoreResult<void> decode_details(std::string_view json_text, ProbeResult& result) {
  try {
    const json details = json::parse(json_text);
    if (!details.is_object()) throw json::type_error::create(302, "details must be an object", nullptr);
    if (details.contains("http")) {
      const auto& h = details.at("http");
      HttpDetails http;
      http.status_code = h.value("status", 0);
      if (h.contains("phases_us")) http.phases = phases_from(h.at("phases_us"));
      http.remote_address = h.value("remote_address", "");
      http.tls_verified = h.value("tls_verified", false);
      http.redirects = h.value("redirects", 0);
      if (h.contains("certificate_days_left")) http.certificate_days_left = h.at("certificate_days_left").get<int>();
      result.http = std::move(http);
    }
    if (details.contains("resource")) {
      const auto& r = details.at("resource");
      ResourceDetails resource;
      resource.state = r.value("state", "");
      resource.healthy = r.value("healthy", 0);
      resource.expected = r.value("expected", 0);
      if (r.contains("headroom")) resource.headroom = r.at("headroom").get<int>();
      if (r.contains("replica_lag_seconds")) resource.replica_lag_seconds = r.at("replica_lag_seconds").get<double>();
      result.resource = std::move(resource);
    }
    if (details.contains("warnings")) result.warnings = details.at("warnings").get<std::vector<std::string>>();
    return {};
  } catch (const json::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, std::string("stored details are not valid: ") + e.what()});
  }
}

}  // namespace rg
