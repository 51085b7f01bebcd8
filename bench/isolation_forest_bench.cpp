// Times regionguard's anomaly pipeline — StandardScaler, IsolationForest fit (100 trees, ψ = 256)
// and score_samples over every row — on a data set written by `scripts/sklearn_parity.py
// bench-data`, and prints one JSON object. bench/isolation_forest_bench.sh runs it beside
// scikit-learn on the same file and prints the ratio.
//
//   isolation_forest_bench --data FILE [--repeats 3] [--trees 100] [--subsample 256]
//
// Reading the file is not timed. Repetition i uses seed i, as the scikit-learn side uses
// random_state i. Single-threaded, like everything in analyze/.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "analyze/feature_matrix.h"
#include "analyze/feature_scaler.h"
#include "analyze/isolation_forest.h"

namespace {

struct Data {
  rg::FeatureMatrix x;
  std::vector<int> labels;
};

// b"RGFM0001", u64 rows, u64 cols, rows × cols little-endian float64 row-major, rows uint8 labels.
Data read_data(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char magic[8];
  std::uint64_t rows = 0;
  std::uint64_t cols = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&rows), sizeof rows);
  in.read(reinterpret_cast<char*>(&cols), sizeof cols);
  if (!in || std::memcmp(magic, "RGFM0001", 8) != 0) throw std::runtime_error(path + ": not a feature matrix");
  std::vector<double> values(rows * cols);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(double)));
  std::vector<std::uint8_t> labels(rows);
  in.read(reinterpret_cast<char*>(labels.data()), static_cast<std::streamsize>(rows));
  if (!in) throw std::runtime_error(path + ": truncated");
  return {rg::FeatureMatrix(rows, cols, std::move(values)), std::vector<int>(labels.begin(), labels.end())};
}

// Wall time and this process's CPU time: on a shared, busy machine the CPU time is what the code
// cost, the wall time what it cost there and then. Both are reported.
struct Stamp {
  std::chrono::steady_clock::time_point wall;
  double cpu;
};

Stamp now() {
  timespec cpu{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return {std::chrono::steady_clock::now(), static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) * 1e-9};
}

double wall_between(const Stamp& a, const Stamp& b) { return std::chrono::duration<double>(b.wall - a.wall).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int repeats = 3;
  rg::IsolationForest::Options options{.trees = 100, .subsample = 256, .seed = 0, .contamination = std::nullopt};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--data" && has_value) {
      path = argv[++i];
    } else if (arg == "--repeats" && has_value) {
      repeats = std::stoi(argv[++i]);
    } else if (arg == "--trees" && has_value) {
      options.trees = std::stoi(argv[++i]);
    } else if (arg == "--subsample" && has_value) {
      options.subsample = std::stoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s --data FILE [--repeats N] [--trees N] [--subsample N]\n", argv[0]);
      return 2;
    }
  }
  if (path.empty() || repeats < 1) {
    std::fprintf(stderr, "usage: %s --data FILE [--repeats N] [--trees N] [--subsample N]\n", argv[0]);
    return 2;
  }

  try {
    const Data data = read_data(path);
    std::string runs;
    std::optional<double> auc;
    double checksum = 0.0;  // keeps the optimiser honest and shows the runs differ by seed only
    for (int r = 0; r < repeats; ++r) {
      options.seed = static_cast<std::uint64_t>(r);
      const Stamp start = now();
      rg::StandardScaler scaler;
      const rg::FeatureMatrix x = scaler.fit_transform(data.x);
      rg::IsolationForest forest(options);
      forest.fit(x);
      const Stamp fitted = now();
      auto scores = forest.score_samples(x);
      const Stamp scored = now();

      runs += fmt::format(
          "{}{{\"fit_s\": {:.6f}, \"score_s\": {:.6f}, \"total_s\": {:.6f}, \"fit_cpu_s\": {:.6f}, "
          "\"score_cpu_s\": {:.6f}, \"total_cpu_s\": {:.6f}}}",
          r == 0 ? "" : ", ", wall_between(start, fitted), wall_between(fitted, scored), wall_between(start, scored),
          fitted.cpu - start.cpu, scored.cpu - fitted.cpu, scored.cpu - start.cpu);
      checksum += scores[scores.size() / 2];
      if (r == 0) {
        for (double& s : scores) s = -s;
        auc = rg::roc_auc(scores, data.labels);
      }
    }
    fmt::print("{{\"impl\": \"regionguard\", \"rows\": {}, \"cols\": {}, \"runs\": [{}], \"roc_auc\": {}, "
               "\"checksum\": {:.6f}}}\n",
               data.x.rows(), data.x.cols(), runs, auc ? fmt::format("{:.6f}", *auc) : "null", checksum);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "isolation_forest_bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
