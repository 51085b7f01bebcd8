#include "config/defaults_reader.h"

#include "config/duration.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> defaults_keys{"interval", "timeout", "jitter", "thresholds", "resolvers"};
const std::vector<std::string_view> threshold_keys{"healthy", "warning"};

}  // namespace

void read_defaults_section(const std::optional<YamlValue>& value, Config& config, ErrorList& errors) {
  const auto fields = value ? read_mapping(*value, defaults_keys, errors) : std::nullopt;
  if (!fields) {
    return;
  }
  const Timing timing = read_timing(*fields, {config.interval, config.timeout}, "", errors);
  config.interval = timing.interval;
  config.timeout = timing.timeout;
  if (const auto jitter_value = fields->get("jitter")) {
    const auto jitter = read_duration(*jitter_value, errors);
    if (jitter && *jitter >= config.interval) {
      errors.add(*jitter_value, "must be less than interval");
    } else if (jitter) {
      config.jitter = *jitter;
    }
  }
  if (const auto thresholds = fields->get("thresholds")) {
    config.thresholds = read_thresholds(*thresholds, config.thresholds, errors);
  }
  if (const auto resolvers = fields->get("resolvers")) {
    config.resolvers = read_resolvers(*resolvers, errors);
  }
}

Timing read_timing(const Mapping& fields, const Timing inherited, std::string_view inherited_from, ErrorList& errors) {
  const auto interval_value = fields.get("interval");
  const auto timeout_value = fields.get("timeout");
  Timing timing = inherited;
  bool valid = true;
  if (interval_value) {
    const auto interval = read_duration(*interval_value, errors);
    if (interval && *interval < 1s) {
      errors.add(*interval_value, "must be at least 1s");
    }
    valid = interval && *interval >= 1s;
    timing.interval = valid ? *interval : timing.interval;
  }
  if (timeout_value) {
    const auto timeout = read_positive_duration(*timeout_value, errors);
    valid = valid && timeout;
    timing.timeout = timeout.value_or(timing.timeout);
  }
  if (timing.timeout < timing.interval) {
    return timing;  // keeps a valid timeout next to an invalid interval, and the reverse
  }
  // With one value invalid the comparison would be against a value the user did not write.
  if (valid && timeout_value) {
    errors.add(*timeout_value, "must be less than interval");
  } else if (valid) {
    errors.add(*interval_value, "must be greater than timeout (" + format_duration(timing.timeout) +
                                     std::string(inherited_from) + ")");
  }
  return inherited;
}

Thresholds read_thresholds(const YamlValue& value, const Thresholds inherited, ErrorList& errors) {
  const auto fields = read_mapping(value, threshold_keys, errors);
  if (!fields) {
    return inherited;
  }
  const auto healthy_value = fields->get("healthy");
  const auto warning_value = fields->get("warning");
  Thresholds thresholds = inherited;
  bool valid = true;
  for (const auto& [band_value, band] : {std::pair{&healthy_value, &thresholds.healthy_max},
                                        std::pair{&warning_value, &thresholds.warning_max}}) {
    if (*band_value) {
      const auto duration = read_positive_duration(**band_value, errors);
      valid = valid && duration;
      *band = duration.value_or(*band);
    }
  }
  if (thresholds.healthy_max <= thresholds.warning_max) {
    return thresholds;
  }
  if (valid && warning_value) {
    errors.add(*warning_value, "must be at least healthy (" + format_duration(thresholds.healthy_max) + ")");
  } else if (valid) {
    errors.add(*healthy_value, "must be at most warning (" + format_duration(thresholds.warning_max) + ")");
  }
  return inherited;
}

std::vector<NetworkAddress> read_resolvers(const YamlValue& value, ErrorList& errors) {
  std::vector<NetworkAddress> resolvers;
  for (const YamlValue& item : read_list(value, errors).value_or(std::vector<YamlValue>{})) {
    const auto text = read_string(item, errors);
    if (!text) {
      continue;
    }
    const auto address = parse_network_address(*text);
    if (!address) {
      errors.add(item, address.error());
      continue;
    }
    resolvers.push_back(*address);
  }
  return resolvers;
}

}  // namespace rg
