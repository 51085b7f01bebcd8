#pragma once
// Reading the `anomaly:` section (Isolation Forest refits and per-endpoint baselines) into
// AnomalyConfig, with every problem reported as file:line:col: anomaly.KEY: message.
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

extern const std::vector<std::string_view> anomaly_keys;

// `value` is the section (absent: every default). `store` must already be read: the training
// window cannot be longer than raw observations are kept.
void read_anomaly_section(const std::optional<YamlValue>& value, const std::string& config_file,
                          const StoreConfig& store, AnomalyConfig& anomaly, ErrorList& errors);

}  // namespace rg
