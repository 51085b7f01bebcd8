// A main for the fuzz targets where libFuzzer is not there (the gcc build): runs every file named
// on the command line, or found under a directory named there, through LLVMFuzzerTestOneInput once,
// in name order. ctest runs each target over its checked-in corpus this way (tests/fuzz/corpus/
// TARGET/), so the seeds and every crash found so far are regression tests in every build; a
// crash, a sanitizer report or an abort fails the test.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path = argv[i];
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (std::filesystem::is_regular_file(path)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "replay: no file or directory %s\n", path.c_str());
      return 2;
    }
  }
  std::ranges::sort(files);
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs (usage: %s FILE_OR_DIRECTORY...)\n", argv[0]);
    return 2;
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
  std::printf("replay: %zu inputs, none crashed\n", files.size());
  return 0;
}
