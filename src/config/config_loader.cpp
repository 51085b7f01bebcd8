#include "config/config_loader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "config/alerts_reader.h"
#include "config/anomaly_reader.h"
#include "config/application_reader.h"
#include "config/aws_check_reader.h"
#include "config/cloudwatch_reader.h"
#include "config/defaults_reader.h"
#include "config/endpoints_reader.h"
#include "config/jobs_reader.h"
#include "config/server_reader.h"
#include "config/store_reader.h"
#include "config/cluster_reader.h"
#include "config/yaml_documents.h"
#include "config/yaml_reader.h"
#include "core/text.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> root_keys{"regions",  "defaults",  "hysteresis", "uptime_window",
                                              "services", "endpoints", "store",      "server",
                                              "dependencies", "runbooks", "alerts",  "notifiers",
                                              "anomaly", "aws", "health_score", "applications", "cloudwatch", "jobs", "cluster"};
const std::vector<std::string_view> hysteresis_keys{"fall", "rise"};
const std::vector<std::string_view> service_keys{"display_name", "priority", "thresholds"};
const std::vector<std::string_view> priority_names{"low", "medium", "high", "critical"};

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// Region names end up in AWS endpoints and metric labels: keep them to AWS's own alphabet.
bool is_region_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) { return is_lower_alnum(c) || c == '-'; });
}

// Service names are keys in paths ("services.dynamodb.thresholds") and metric labels.
bool is_service_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

std::optional<Priority> parse_priority(std::string_view name) {
  for (std::size_t i = 0; i < priority_names.size(); ++i) {
    if (priority_names[i] == name) {
      return static_cast<Priority>(i);
    }
  }
  return std::nullopt;
}

// Reads one document into a Config, reporting every problem to `errors`. Sections are read in
// dependency order (services need defaults.thresholds; endpoints need regions, services and the
// default timing). An invalid value leaves the built-in default in place, so that checks which
// depend on it do not pile up follow-on errors about values that are fine.
class ConfigReader {
 public:
  ConfigReader(ErrorList& errors, const std::string& file) : errors_(errors) { config_.source_file = file; }

  Config read(const Mapping& root) {
    read_regions(root);
    read_defaults_section(root.get("defaults"), config_, errors_);
    read_hysteresis(root);
    read_store_section(root.get("store"), config_.source_file, config_.store, errors_);
    read_uptime_window(root);
    read_services(root);
    read_aws_section(root.get("aws"), config_.aws, errors_);  // before endpoints: its timing is their default
    read_health_score_section(root.get("health_score"), config_.score_weights, errors_);
    read_endpoints_section(root.require("endpoints", errors_), config_, config_.endpoints, errors_);
    read_server_section(root.get("server"), config_.source_file, config_.server, errors_);
    read_anomaly_section(root.get("anomaly"), config_.source_file, config_.store, config_.anomaly, errors_);
    read_dependencies_section(root.get("dependencies"), root.get("runbooks"), config_.dependencies, errors_);
    read_alerts_section(root.get("alerts"), config_, config_.alerts, errors_);
    read_notifiers_section(root.get("notifiers"), config_.source_file, config_.notifiers, errors_);
    read_applications_section(root.get("applications"), config_, config_.applications, errors_);  // after endpoints
    read_cloudwatch_section(root.get("cloudwatch"), config_.source_file, config_.regions, config_.cloudwatch, errors_);
    read_jobs_section(root.get("jobs"), config_, config_.jobs, errors_);  // after applications
    config_.cluster = read_cluster_section(root.get("cluster"), config_.source_file, config_.server, errors_);
    config_.applications_digest = applications_digest(root);
    return std::move(config_);
  }

 private:
  void read_regions(const Mapping& root) {
    const auto value = root.require("regions", errors_);
    const auto items = value ? read_list(*value, errors_) : std::nullopt;
    if (!items) {
      return;
    }
    if (items->empty()) {
      errors_.add(*value, "must list at least one region");
    }
    std::map<std::string, std::string> first_paths;
    for (const YamlValue& item : *items) {
      const auto name = read_string(item, errors_);
      if (!name) {
        continue;
      }
      if (!is_region_name(*name)) {
        errors_.add(item, "`" + *name + "` is not a region name (lower-case letters, digits and `-`, e.g. us-east-1)");
      }
      const auto [first, inserted] = first_paths.emplace(*name, item.path);
      if (!inserted) {
        errors_.add(item, "duplicate region `" + *name + "` (already listed as " + first->second + ")");
        continue;
      }
      config_.regions.push_back(*name);
    }
  }

  void read_hysteresis(const Mapping& root) {
    const auto value = root.get("hysteresis");
    const auto fields = value ? read_mapping(*value, hysteresis_keys, errors_) : std::nullopt;
    if (!fields) {
      return;
    }
    for (const auto& [key, target] : {std::pair{"fall", &config_.hysteresis.fall},
                                      std::pair{"rise", &config_.hysteresis.rise}}) {
      if (const auto count_value = fields->get(key)) {
        const auto count = read_int(*count_value, errors_);
        if (count && *count < 1) {
          errors_.add(*count_value, "must be at least 1");
        } else if (count) {
          *target = *count;
        }
      }
    }
  }

  void read_uptime_window(const Mapping& root) {
    const auto value = root.get("uptime_window");
    const auto duration = value ? read_duration(*value, errors_) : std::nullopt;
    if (!duration) {
      return;
    }
    if (*duration < 1h) {
      errors_.add(*value, "must be at least 1h");
    } else if (*duration % 1h != 0ms) {
      errors_.add(*value, "must be a whole number of hours, e.g. 24h");
    } else if (*duration > std::chrono::days(config_.store.rollup_retention_days)) {
      // Uptime is computed from stored history; a longer window would silently cover less.
      errors_.add(*value, "must not be longer than store.rollup_retention (" +
                              std::to_string(config_.store.rollup_retention_days) + "d)");
    } else {
      config_.uptime_window = std::chrono::duration_cast<std::chrono::hours>(*duration);
    }
  }

  void read_services(const Mapping& root) {
    const auto value = root.require("services", errors_);
    const auto services = value ? read_open_mapping(*value, errors_) : std::nullopt;
    if (!services) {
      return;
    }
    if (services->entries().empty()) {
      errors_.add(*value, "must define at least one service");
    }
    for (const MappingEntry& entry : services->entries()) {
      read_service(entry);
    }
  }

  // A service with bad settings is still added, so endpoints that name it do not also fail.
  void read_service(const MappingEntry& entry) {
    ServiceConfig service;
    service.name = entry.key;
    service.display_name = to_upper(entry.key);
    service.mark = source_mark(config_.source_file, entry.key_mark);
    if (!is_service_name(entry.key)) {
      errors_.add(entry.key_mark, entry.value.path,
                  "service names may contain only letters, digits, `_` and `-`");
    }
    if (const auto fields = read_mapping(entry.value, service_keys, errors_)) {
      if (const auto display_name = fields->get("display_name")) {
        service.display_name = read_string(*display_name, errors_).value_or(service.display_name);
      }
      if (const auto priority_value = fields->get("priority")) {
        service.priority = read_priority(*priority_value).value_or(service.priority);
      }
      if (const auto thresholds = fields->get("thresholds")) {
        service.thresholds = read_thresholds(*thresholds, config_.thresholds, errors_);
      }
    }
    config_.services.push_back(std::move(service));
  }

  std::optional<Priority> read_priority(const YamlValue& value) {
    const auto name = read_string(value, errors_);
    const auto priority = name ? parse_priority(*name) : std::nullopt;
    if (name && !priority) {
      errors_.add(value, with_suggestion("unknown priority `" + *name + "` (expected one of: " +
                                             join(priority_names) + ")",
                                         *name, priority_names));
    }
    return priority;
  }

  ErrorList& errors_;
  Config config_;
};

std::expected<std::string, std::string> read_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return std::unexpected(std::strerror(errno));
  }
  std::string text;
  std::array<char, 65536> buffer{};
  while (const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    text.append(buffer.data(), count);
  }
  if (std::ferror(file.get())) {  // e.g. EISDIR: fopen succeeds on a directory, reading fails
    return std::unexpected(std::strerror(errno));
  }
  return text;
}

}  // namespace

std::expected<Config, std::vector<ConfigError>> load_config_string(std::string_view yaml,
                                                                   const std::string& file_name) {
  ErrorList errors(file_name);
  auto loaded = load_yaml_documents(yaml);
  if (!loaded) {
    errors.add(loaded.error().mark, "", std::move(loaded.error().message));
    return std::unexpected(errors.sorted());
  }
  std::vector<YAML::Node> documents = std::move(*loaded);
  // A trailing "---" makes an empty second document; only content counts.
  std::erase_if(documents, [](const YAML::Node& document) { return document.IsNull(); });
  if (documents.empty()) {
    errors.add(YAML::Mark::null_mark(), "", "the file is empty; it needs at least regions, services and endpoints");
    return std::unexpected(errors.sorted());
  }
  if (documents.size() > 1) {
    errors.add(documents[1].Mark(), "", "expected one YAML document, found " + std::to_string(documents.size()));
  }
  if (!documents[0].IsMap()) {
    errors.add(documents[0].Mark(), "", "the file must be a mapping with regions, services and endpoints");
    return std::unexpected(errors.sorted());
  }
  const auto root = read_mapping(YamlValue{documents[0], "", documents[0].Mark()}, root_keys, errors);
  Config config = ConfigReader(errors, file_name).read(*root);
  if (!errors.empty()) {
    return std::unexpected(errors.sorted());
  }
  config.warnings = errors.sorted_warnings();
  return config;
}

std::expected<Config, std::vector<ConfigError>> load_config_file(const std::string& path) {
  const auto text = read_file(path);
  if (!text) {
    return std::unexpected(std::vector<ConfigError>{{path, 0, 0, "", "cannot read: " + text.error()}});
  }
  return load_config_string(*text, path);
}

}  // namespace rg
