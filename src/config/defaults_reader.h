#pragma once
// Reading the `defaults:` section (interval, timeout, jitter, thresholds, resolvers) into Config,
// and the readers of the settings it holds, which services (thresholds) and endpoints (timing,
// resolvers) use again for their own values over the defaults.
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// interval and timeout of one mapping (defaults or an endpoint), over those it inherits.
struct Timing {
  Millis interval;
  Millis timeout;
};

// `value` is the section (absent: the built-in defaults stay). Sets config.interval, timeout,
// jitter, thresholds and resolvers.
void read_defaults_section(const std::optional<YamlValue>& value, Config& config, ErrorList& errors);

// `inherited` is valid (defaults or built-ins that passed this same check). Anything wrong here
// is reported and the inherited value kept, so that later checks build on a consistent pair.
// `inherited_from` says where an inherited timeout came from, for the message when an interval
// is too short for it.
Timing read_timing(const Mapping& fields, Timing inherited, std::string_view inherited_from, ErrorList& errors);

// Either band may be left out and is then inherited; the pair is checked as a whole. As with
// timing, an inconsistent pair falls back to the inherited one.
Thresholds read_thresholds(const YamlValue& value, Thresholds inherited, ErrorList& errors);

// A list of resolver addresses (IP[:PORT]); a bad one is reported and left out.
std::vector<NetworkAddress> read_resolvers(const YamlValue& value, ErrorList& errors);

}  // namespace rg
