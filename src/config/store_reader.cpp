#include "config/store_reader.h"

#include <filesystem>

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> store_keys{"path", "raw_retention", "rollup_retention", "flush_interval",
                                               "batch_size"};
constexpr int max_batch_size = 100'000;

// A relative store path means "next to the config file", so `regionguard run -c /etc/rg/x.yaml`
// does not scatter databases into whatever directory it was started from.
std::string resolve_store_path(const std::string& path, const std::string& config_file) {
  if (path == ":memory:" || std::filesystem::path(path).is_absolute()) {
    return path;
  }
  const std::filesystem::path directory = std::filesystem::path(config_file).parent_path();
  return (directory / path).lexically_normal().string();
}

// Retention is kept in days: rows are pruned by day, and "36h" would promise what it can't.
std::optional<int> read_whole_days(const YamlValue& value, ErrorList& errors) {
  const auto duration = read_duration(value, errors);
  if (!duration) {
    return std::nullopt;
  }
  if (*duration < 24h) {
    errors.add(value, "must be at least 1d");
    return std::nullopt;
  }
  if (*duration % 24h != 0ms) {
    errors.add(value, "must be a whole number of days, e.g. 7d");
    return std::nullopt;
  }
  return static_cast<int>(*duration / 24h);
}

void read_store_fields(const Mapping& fields, StoreConfig& store, ErrorList& errors) {
  if (const auto path = fields.get("path")) {
    store.path = read_string(*path, errors).value_or(store.path);
  }
  // Checked as a pair, like interval and timeout: a valid value is kept unless it contradicts
  // the other, and a contradiction is reported only when both values are valid.
  const auto raw_value = fields.get("raw_retention");
  const auto rollup_value = fields.get("rollup_retention");
  const auto raw_days = raw_value ? read_whole_days(*raw_value, errors) : store.raw_retention_days;
  const auto rollup_days = rollup_value ? read_whole_days(*rollup_value, errors) : store.rollup_retention_days;
  const int raw = raw_days.value_or(store.raw_retention_days);
  const int rollup = rollup_days.value_or(store.rollup_retention_days);
  if (raw <= rollup) {
    store.raw_retention_days = raw;
    store.rollup_retention_days = rollup;
  } else if (raw_days && rollup_days && rollup_value) {
    errors.add(*rollup_value, "must be at least raw_retention (" + std::to_string(raw) + "d)");
  } else if (raw_days && rollup_days) {
    errors.add(*raw_value, "must be at most rollup_retention (" + std::to_string(rollup) + "d)");
  }
  if (const auto flush = fields.get("flush_interval")) {
    store.flush_interval = read_positive_duration(*flush, errors).value_or(store.flush_interval);
  }
  if (const auto batch_value = fields.get("batch_size")) {
    const auto batch = read_int(*batch_value, errors);
    if (batch && (*batch < 1 || *batch > max_batch_size)) {
      errors.add(*batch_value, "must be between 1 and " + std::to_string(max_batch_size));
    } else if (batch) {
      store.batch_size = *batch;
    }
  }
}

}  // namespace

void read_store_section(const std::optional<YamlValue>& value, const std::string& config_file, StoreConfig& store,
                        ErrorList& errors) {
  if (const auto fields = value ? read_mapping(*value, store_keys, errors) : std::nullopt) {
    read_store_fields(*fields, store, errors);
  }
  store.path = resolve_store_path(store.path, config_file);
}

}  // namespace rg
