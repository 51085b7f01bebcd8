#pragma once
// Reading the `store:` section (the SQLite history: path, retention, write batching) into
// StoreConfig, with every problem reported as file:line:col: store.KEY: message.
#include <optional>
#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// `value` is the section (absent: every default). A relative path (and the default one) is
// resolved against the directory of `config_file`; ":memory:" is kept as it is.
void read_store_section(const std::optional<YamlValue>& value, const std::string& config_file, StoreConfig& store,
                        ErrorList& errors);

}  // namespace rg
