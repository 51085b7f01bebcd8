#pragma once
// Reading the `cloudwatch:` section (custom metrics published by the daemon, and what
// `regionguard cloudwatch apply` creates) into CloudWatchConfig, every problem reported as
// file:line:col: cloudwatch.KEY: message.
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

extern const std::vector<std::string_view> cloudwatch_keys;

// `value` is the section (absent: publishing off, every default). `regions` must already be read:
// the CloudWatch region defaults to the first of them.
void read_cloudwatch_section(const std::optional<YamlValue>& value, const std::string& config_file,
                             const std::vector<std::string>& regions, CloudWatchConfig& cloudwatch,
                             ErrorList& errors);

}  // namespace rg
