#include "config/anomaly_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace rg {

const std::vector<std::string_view> anomaly_keys{"enabled",           "window",      "refit_interval",
                                                 "max_rows",          "contamination", "threshold_percent",
                                                 "z_threshold",       "min_samples", "widespread_percent",
                                                 "seed"};

namespace {

using namespace std::chrono_literals;

constexpr int kMinRows = 256;  // ψ: fewer and no tree gets a full subsample
constexpr int kMaxRows = 10'000'000;
constexpr int kMinSamples = 5;
constexpr int kMaxSamples = 10'000;

// A finite decimal number; the config has no other real-valued keys, so this lives here.
std::optional<double> read_number(const YamlValue& value, ErrorList& errors) {
  if (value.node.IsScalar()) {
    const std::string& text = value.node.Scalar();
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!text.empty() && ec == std::errc{} && end == text.data() + text.size() && std::isfinite(number)) return number;
  }
  errors.add(value, "must be a number");
  return std::nullopt;
}

// In (low, high], or [low, high] when low_inclusive.
std::optional<double> read_number_in(const YamlValue& value, double low, double high, bool low_inclusive,
                                     const std::string& range_text, ErrorList& errors) {
  const auto number = read_number(value, errors);
  if (!number) return std::nullopt;
  if ((low_inclusive ? *number < low : *number <= low) || *number > high) {
    errors.add(value, "must be " + range_text);
    return std::nullopt;
  }
  return number;
}

// "auto" (scikit-learn's contamination="auto") or a share in (0, 0.5], the forest's own range.
std::optional<std::optional<double>> read_contamination(const YamlValue& value, ErrorList& errors) {
  if (value.node.IsScalar() && value.node.Scalar() == "auto") return std::optional<double>{};
  const auto number = read_number(value, errors);
  if (!number) return std::nullopt;
  if (*number <= 0 || *number > 0.5) {
    errors.add(value, "must be auto or a share in (0, 0.5], e.g. 0.01");
    return std::nullopt;
  }
  return std::optional<double>(*number);
}

std::optional<Millis> read_duration_at_least(const YamlValue& value, Millis least, const std::string& least_text,
                                             ErrorList& errors) {
  const auto duration = read_duration(value, errors);
  if (duration && *duration < least) {
    errors.add(value, "must be at least " + least_text);
    return std::nullopt;
  }
  return duration;
}

}  // namespace

void read_anomaly_section(const std::optional<YamlValue>& value, const std::string& config_file,
                          const StoreConfig& store, AnomalyConfig& anomaly, ErrorList& errors) {
  const auto fields = value ? read_mapping(*value, anomaly_keys, errors) : std::nullopt;
  if (value) anomaly.mark = {config_file, std::max(value->mark.line, 0) + 1, std::max(value->mark.column, 0) + 1};
  if (!fields) return;
  if (const auto enabled = fields->get("enabled")) anomaly.enabled = read_bool(*enabled, errors).value_or(anomaly.enabled);

  // The forest trains on raw observations: a window longer than they are kept would train on less
  // than it says.
  const auto window_value = fields->get("window");
  if (window_value) {
    const auto window = read_duration_at_least(*window_value, 1min, "1m", errors);
    const Millis raw_retention = std::chrono::days(store.raw_retention_days);
    if (window && *window > raw_retention) {
      errors.add(*window_value,
                 "must not be longer than store.raw_retention (" + std::to_string(store.raw_retention_days) + "d)");
    } else if (window) {
      anomaly.window = *window;
    }
  }
  if (const auto refit = fields->get("refit_interval")) {
    const auto interval = read_duration_at_least(*refit, 10s, "10s", errors);
    if (interval && *interval > anomaly.window) {
      errors.add(*refit, "must not be longer than anomaly.window");
    } else if (interval) {
      anomaly.refit_interval = *interval;
    }
  }
  if (const auto rows = fields->get("max_rows"))
    anomaly.max_rows = read_int_in(*rows, kMinRows, kMaxRows, errors).value_or(anomaly.max_rows);
  if (const auto contamination = fields->get("contamination"))
    anomaly.contamination = read_contamination(*contamination, errors).value_or(anomaly.contamination);
  if (const auto threshold = fields->get("threshold_percent"))
    anomaly.threshold_percent =
        read_number_in(*threshold, 0, 100, true, "between 0 and 100", errors).value_or(anomaly.threshold_percent);
  if (const auto z = fields->get("z_threshold"))
    anomaly.z_threshold = read_number_in(*z, 0, 100, false, "greater than 0 and at most 100", errors)
                              .value_or(anomaly.z_threshold);
  if (const auto samples = fields->get("min_samples"))
    anomaly.min_samples = read_int_in(*samples, kMinSamples, kMaxSamples, errors).value_or(anomaly.min_samples);
  if (const auto widespread = fields->get("widespread_percent"))
    anomaly.widespread_percent = read_number_in(*widespread, 0, 100, false, "greater than 0 and at most 100", errors)
                                     .value_or(anomaly.widespread_percent);
  if (const auto seed = fields->get("seed")) {
    if (const auto number = read_int_in(*seed, 0, std::numeric_limits<int>::max(), errors))
      anomaly.seed = static_cast<std::uint64_t>(*number);
  }
}

}  // namespace rg
