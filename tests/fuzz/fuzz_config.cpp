// Fuzz target: the configuration loader, as `check-config`, start-up and every reload run it: the
// whole input is one YAML file. Every problem must come back as an error with a position; a
// crash, a hang (libFuzzer's -timeout) or unbounded memory (-rss_limit_mb) is a bug. Issue 16's
// stray `,` was one: yaml-cpp's LoadAll looped for ever on it.
#include <cstdlib>

#include "config/config_loader.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto loaded = rg::load_config_string(rg::fuzz::text_of(data, size), "fuzz.yaml");
  if (!loaded && loaded.error().empty()) std::abort();  // a refusal always says why
  return 0;
}
