#pragma once
// What every fuzz target in tests/fuzz/ shares: the libFuzzer entry point's signature, and the
// split of an input into a selector byte and the rest. A target that groups several parsers
// (fuzz_small_parsers: cron, durations, addresses...) reads the first byte to choose one, so a
// corpus file is that byte followed by the parser's input; tests/fuzz/README.md lists them.
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace rg::fuzz {

struct Selected {
  std::uint8_t selector = 0;  // already reduced modulo the number of choices
  std::string_view rest;
};

// The first byte modulo `choices`, and the rest. An empty input selects `choices` itself, which
// names no parser.
inline Selected select(const std::uint8_t* data, std::size_t size, std::uint8_t choices) {
  if (size == 0) return {choices, {}};
  return {static_cast<std::uint8_t>(data[0] % choices), {reinterpret_cast<const char*>(data) + 1, size - 1}};
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace rg::fuzz
