#pragma once
// Writer for the Prometheus text exposition format 0.0.4: families with HELP and TYPE, samples
// with escaped label values, histograms as cumulative _bucket/_sum/_count series.
// https://prometheus.io/docs/instrumenting/exposition_formats/
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rg {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

using MetricLabels = std::vector<std::pair<std::string_view, std::string_view>>;

// Observations counted into fixed upper bounds (seconds for latencies), as a Prometheus histogram.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  const std::vector<std::uint64_t>& bucket_counts() const { return counts_; }  // per bucket, not cumulative
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // counts_[i]: bounds_[i-1] < v <= bounds_[i]; the last is +Inf
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class PrometheusText {
 public:
  enum class Type { counter, gauge, histogram };

  // Starts a family: its HELP and TYPE lines. Samples of the family follow.
  void family(std::string_view name, Type type, std::string_view help);
  // One sample line; `name` is the family name, or it plus a suffix.
  void sample(std::string_view name, const MetricLabels& labels, double value);
  void sample(std::string_view name, const MetricLabels& labels, std::uint64_t value);
  // The _bucket (with le), _sum and _count lines of one histogram series.
  void histogram(std::string_view name, const MetricLabels& labels, const Histogram& histogram);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

  // Backslash, double quote and line feed escaped, as label values need.
  static std::string escape_label_value(std::string_view value);
  // Backslash and line feed escaped, as HELP text needs.
  static std::string escape_help(std::string_view help);
  // Go's float syntax as Prometheus parses it: "NaN", "+Inf", "-Inf", otherwise the shortest
  // representation that reads back exactly ("0.0025", "1e-06", "42").
  static std::string format_value(double value);

 private:
  void write_labels(const MetricLabels& labels, std::string_view extra_name = {}, std::string_view extra_value = {});
  std::string out_;
};

}  // namespace rg
