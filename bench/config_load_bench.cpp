// Times loading big configuration files (issue 16: loading was quadratic in several places) against
// yaml-cpp alone parsing the same text in the same run, and prints one row per file:
//
//   config_load_bench [--repeat 3] [--case NAME]...
//
// The files are generated in memory:
//   1mb-valid         a valid file of about 1 MB: 200 services, 3 regions, DNS endpoints
//   80k-services      80,000 services and one endpoint (the duplicate-key check was quadratic)
//   5k-unknown-refs   5,000 services and 5,000 endpoints naming unknown services (every message
//                     listed every service; "did you mean" compared each with each)
//   100-long-names    100 services and 100 unknown references with ~1,000-character names (the
//                     edit distance was quadratic in the length)
//
// Every cell is the best of --repeat runs (the least disturbed by the rest of the machine);
// "ratio" is regionguard's load (YAML and the configuration model, with every check) over the
// reference (YAML::LoadAll on the same text), both wall time. "errors" and "message MB" (the
// messages' total size) show that the messages stay bounded.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "config/config_loader.h"

namespace {

struct Case {
  std::string name;
  std::string text;
};

std::string name_of(std::string_view stem, int i, std::size_t width) {
  std::string digits = std::to_string(i);
  std::string name(stem);
  if (name.size() + digits.size() < width) name.append(width - name.size() - digits.size(), 'x');
  return name + digits;
}

std::string header(int services, const std::function<std::string(int)>& service_name) {
  std::string text = "regions: [us-east-1, us-west-2, eu-west-1]\nservices:\n";
  for (int i = 0; i < services; ++i) text += "  " + service_name(i) + ": {}\n";
  text += "endpoints:\n";
  return text;
}

std::string endpoint(const std::string& service, int i) {
  return fmt::format("  - {{ hostname: host{}.example.com, service: {}, region: us-east-1 }}\n", i, service);
}

Case valid_1mb() {
  const auto service = [](int i) { return "service" + std::to_string(i); };
  std::string text = header(200, service);
  for (int i = 0; text.size() < 1'000'000; ++i) text += endpoint(service(i % 200), i);
  return {"1mb-valid", std::move(text)};
}

Case many_services() {
  const auto service = [](int i) { return "service" + std::to_string(i); };
  return {"80k-services", header(80'000, service) + endpoint(service(0), 0)};
}

Case unknown_references() {
  const auto service = [](int i) { return "service" + std::to_string(i); };
  std::string text = header(5'000, service);
  for (int i = 0; i < 5'000; ++i) text += endpoint("unknown" + std::to_string(i), i);
  return {"5k-unknown-refs", std::move(text)};
}

Case long_names() {
  const auto service = [](int i) { return name_of("service", i, 1'000); };
  std::string text = header(100, service);
  for (int i = 0; i < 100; ++i) text += endpoint(name_of("unknown", i, 1'000), i);
  return {"100-long-names", std::move(text)};
}

double best_seconds(int repeat, const std::function<void()>& run) {
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--case" && i + 1 < argc) {
      only.emplace_back(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: config_load_bench [--repeat N] [--case NAME]...\n");
      return 2;
    }
  }
  fmt::print("{:<16} {:>8} {:>12} {:>12} {:>7} {:>7} {:>11}\n", "file", "MB", "yaml-cpp ms", "load ms", "ratio",
             "errors", "message MB");
  for (const auto& make : {valid_1mb, many_services, unknown_references, long_names}) {
    const Case c = make();
    if (!only.empty() && std::ranges::find(only, c.name) == only.end()) continue;
    const double reference = best_seconds(repeat, [&] { (void)YAML::LoadAll(c.text); });
    std::size_t errors = 0;
    std::size_t message_bytes = 0;
    const double load = best_seconds(repeat, [&] {
      const auto loaded = rg::load_config_string(c.text, "bench.yaml");
      errors = loaded ? 0 : loaded.error().size();
      message_bytes = 0;
      if (!loaded)
        for (const auto& error : loaded.error()) message_bytes += error.message.size();
    });
    fmt::print("{:<16} {:>8.2f} {:>12.1f} {:>12.1f} {:>7.2f} {:>7} {:>11.2f}\n", c.name, static_cast<double>(c.text.size()) / 1e6,
               reference * 1e3, load * 1e3, load / reference, errors, static_cast<double>(message_bytes) / 1e6);
    std::fflush(stdout);
  }
  return 0;
}
