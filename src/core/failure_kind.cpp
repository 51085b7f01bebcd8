#include "core/failure_kind.h"

#include <array>
#include <utility>

namespace rg {
namespace {
constexpr std::array<std::pair<FailureKind, std::string_view>, 25> kNames{{
    {FailureKind::none, "none"},
    {FailureKind::timeout, "timeout"},
    {FailureKind::servfail, "servfail"},
    {FailureKind::nxdomain, "nxdomain"},
    {FailureKind::nodata, "nodata"},
    {FailureKind::refused, "refused"},
    {FailureKind::network, "network"},
    {FailureKind::malformed, "malformed"},
    {FailureKind::answer_mismatch, "answer_mismatch"},
    {FailureKind::too_few_answers, "too_few_answers"},
    {FailureKind::dns, "dns"},
    {FailureKind::connect_refused, "connect_refused"},
    {FailureKind::connection_reset, "connection_reset"},
    {FailureKind::tls, "tls"},
    {FailureKind::status, "status"},
    {FailureKind::body_mismatch, "body_mismatch"},
    {FailureKind::inverted, "inverted"},
    {FailureKind::children, "children"},
    {FailureKind::resource_state, "resource_state"},
    {FailureKind::status_checks, "status_checks"},
    {FailureKind::capacity, "capacity"},
    {FailureKind::replica_lag, "replica_lag"},
    {FailureKind::alarm, "alarm"},
    {FailureKind::not_found, "not_found"},
    {FailureKind::aws_api, "aws_api"},
}};
}  // namespace

std::string_view to_string(FailureKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<FailureKind> failure_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

}  // namespace rg
