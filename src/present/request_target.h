#pragma once
// Parsing what a client puts in a request line: the target's path and query (percent-encoded),
// and the time and duration values of the API's query parameters. Pure functions; each error is
// a message for the 400 answer.
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace rg {

// %XX sequences decoded (and '+' as a space when `plus_is_space`, as in a query). nullopt for a
// malformed escape or a decoded NUL, which no path or parameter may hold.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

struct RequestTarget {
  std::string path;  // decoded: "/api/v1/endpoints/app.example.com/health"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order, duplicates kept
  // Absolute-form only: the target's authority ("host:port"), which stands for Host (RFC 9112 3.2.2).
  std::optional<std::string> authority;
};

// An origin-form ("/path?query") or absolute-form ("http://host:port/path?query") target, which
// RFC 9112 3.2.2 requires a server to accept. "*" and anything else are refused, as is a
// malformed escape anywhere.
std::expected<RequestTarget, std::string> parse_request_target(std::string_view target);

// The query of one route: each parameter at most once, and only the known ones (a misspelt
// filter would otherwise silently widen the answer).
class QueryParams {
 public:
  static std::expected<QueryParams, std::string> parse(const std::vector<std::pair<std::string, std::string>>& query,
                                                       const std::vector<std::string_view>& known);
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// "2026-11-21T07:59:55.338Z", "2026-11-21T08:59:55+01:00" (a zone is required) or Unix seconds
// ("1795247995", "1795247995.338").
std::expected<TimePoint, std::string> parse_api_time(std::string_view text);

// "60s", "5m", "1h" (as durations in the configuration).
std::expected<std::chrono::milliseconds, std::string> parse_api_duration(std::string_view text);

// A positive whole number up to `max`.
std::expected<std::size_t, std::string> parse_count(std::string_view text, std::size_t max);

}  // namespace rg
