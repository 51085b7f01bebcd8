#pragma once
// Summaries of repeated measurements and the way the bench tables print them: every cell is
// "median [min–max]" over the repetitions, because these machines are noisy.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace rg::bench {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Summary {
  double median = kNaN;
  double min = kNaN;
  double max = kNaN;
  std::size_t n = 0;
};

// Median, min and max of the values that are not NaN.
Summary summarize(std::vector<double> values);

// Nearest-rank percentile (p in 0–100); NaN for no values.
double percentile(std::vector<double> values, double p);

// 12,345 (rounded to an integer); "–" for NaN.
std::string with_commas(double value);
// About three significant figures: 0.263, 2.63, 35.8, 712, 12,345; "–" for NaN.
std::string short_number(double value);
// "median [min–max]", just the median for one value, "–" for none.
std::string range_cell(const Summary& s, std::string (*format)(double) = short_number);

}  // namespace rg::bench
