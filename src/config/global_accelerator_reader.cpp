#include "config/global_accelerator_reader.h"

#include <algorithm>
#include <cctype>

#include "config/failover_plan_reader.h"

namespace rg {
namespace {

const std::vector<std::string_view> keys{"endpoint_groups", "method", "weight"};
const std::vector<std::string_view> method_names{"dials", "weights"};  // in the order of AcceleratorMethodConfig

constexpr std::string_view kArnShape = "arn:aws:globalaccelerator::ACCOUNT:accelerator/ID/listener/ID/endpoint-group/ID";

bool is_id(std::string_view id) {
  return !id.empty() && std::ranges::all_of(id, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

// "arn:aws:globalaccelerator::123456789012:accelerator/A/listener/L" of a valid group ARN: dials
// shift traffic only between the endpoint groups of one listener.
std::string listener_of(const std::string& arn) { return arn.substr(0, arn.find("/endpoint-group/")); }

}  // namespace

std::optional<std::string> endpoint_group_arn_problem(const std::string& arn) {
  const std::string shape = "is not an endpoint group ARN (" + std::string(kArnShape) + ")";
  // Global Accelerator exists in the aws partition only, and its ARNs name no region.
  constexpr std::string_view prefix = "arn:aws:globalaccelerator::";
  if (!arn.starts_with(prefix)) return shape;
  std::string_view rest = std::string_view(arn).substr(prefix.size());
  const auto colon = rest.find(':');
  if (colon != 12 || !std::ranges::all_of(rest.substr(0, 12), [](char c) { return c >= '0' && c <= '9'; }))
    return shape + ": the account is not 12 digits";
  rest.remove_prefix(13);
  for (std::string_view part : {"accelerator/", "listener/", "endpoint-group/"}) {
    if (!rest.starts_with(part)) return shape;
    rest.remove_prefix(part.size());
    const auto slash = rest.find('/');
    const bool last = part == "endpoint-group/";
    if (!is_id(rest.substr(0, slash)) || (last != (slash == std::string_view::npos))) return shape;
    if (!last) rest.remove_prefix(slash + 1);
  }
  return std::nullopt;
}

std::optional<GlobalAcceleratorConfig> read_global_accelerator(const YamlValue& value, const ApplicationConfig& app,
                                                               ErrorList& errors) {
  const auto fields = read_mapping(value, keys, errors);
  if (!fields) return std::nullopt;
  GlobalAcceleratorConfig config;
  bool complete = true;
  if (const auto v = fields->get("method")) {
    const auto name = read_string(*v, errors);
    const auto found = name ? std::ranges::find(method_names, *name) : method_names.end();
    if (name && found == method_names.end()) {
      errors.add(*v, with_suggestion("must be one of dials, weights", *name, method_names));
      complete = false;
    } else if (name) {
      config.method = static_cast<AcceleratorMethodConfig>(found - method_names.begin());
    } else {
      complete = false;
    }
  }
  if (const auto v = fields->get("weight")) {
    // Weight 0 would take the target out too.
    const auto weight = read_int_in(*v, 1, 255, errors);
    if (weight) config.weight = *weight;
    if (weight && complete && config.method != AcceleratorMethodConfig::weights)
      errors.add(*v, "is used only with method: weights (dials move TrafficDialPercentage)");
    if (!weight || config.method != AcceleratorMethodConfig::weights) complete = false;
  }
  const auto groups = fields->require("endpoint_groups", errors);
  if (!groups) return std::nullopt;
  const auto mapping = read_open_mapping(*groups, errors);
  if (!mapping) return std::nullopt;
  std::map<std::string, std::string> region_of;  // ARN -> the first region naming it
  for (const auto& entry : mapping->entries()) {
    if (!check_application_region(entry, app, errors)) {
      complete = false;
      continue;
    }
    const auto arn = read_string(entry.value, errors);
    if (!arn) {
      complete = false;
      continue;
    }
    if (const auto problem = endpoint_group_arn_problem(*arn)) {
      errors.add(entry.value, "`" + *arn + "` " + *problem);
      complete = false;
      continue;
    }
    if (const auto [first, inserted] = region_of.try_emplace(*arn, entry.key); !inserted) {
      errors.add(entry.value, "is the endpoint group of " + first->second +
                                  " too; each region needs its own (an endpoint group is in one region)");
      complete = false;
      continue;
    }
    if (!config.endpoint_groups.empty()) {
      const auto& [region, other] = *config.endpoint_groups.begin();
      if (listener_of(*arn) != listener_of(other)) {
        errors.add(entry.value, "is not in the listener of " + region + "'s group (" + listener_of(other) +
                                    "): traffic moves only between the endpoint groups of one listener");
        complete = false;
        continue;
      }
    }
    config.endpoint_groups[entry.key] = *arn;
  }
  for (const auto& region : app.regions())
    if (!region.empty() && !mapping->get(region)) {
      errors.add(*groups, "needs an endpoint group ARN for region " + region);
      complete = false;
    }
  return complete ? std::optional(config) : std::nullopt;
}

}  // namespace rg
