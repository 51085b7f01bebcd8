#include "summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace rg::bench {

Summary summarize(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  Summary s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  s.median = values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  s.min = values.front();
  s.max = values.back();
  return s;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return kNaN;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  const auto index = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

std::string with_commas(double value) {
  if (std::isnan(value)) return "–";
  auto digits = fmt::format("{:.0f}", std::fabs(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string short_number(double value) {
  if (std::isnan(value)) return "–";
  const double a = std::fabs(value);
  if (a < 1) return fmt::format("{:.3f}", value);
  if (a < 10) return fmt::format("{:.2f}", value);
  if (a < 100) return fmt::format("{:.1f}", value);
  return with_commas(value);
}

std::string range_cell(const Summary& s, std::string (*format)(double)) {
  if (s.n == 0) return "–";
  if (s.n == 1) return format(s.median);
  return fmt::format("{} [{}–{}]", format(s.median), format(s.min), format(s.max));
}

}  // namespace rg::bench
