#pragma once
// Small helpers shared by the aws/ unit tests: files in a temp dir, a fake environment, times.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include "aws/aws_environment.h"
#include "aws/aws_time.h"

namespace rg::aws::test {

inline std::filesystem::path write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A shell script the tests run as a credential_process.
inline std::filesystem::path write_script(const std::filesystem::path& path, std::string_view body) {
  write_file(path, "#!/bin/sh\n" + std::string(body) + "\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

using Vars = std::map<std::string, std::string, std::less<>>;

// Only the variables given exist; ~ is `home`.
inline AwsEnvironment fake_env(Vars vars, const std::filesystem::path& home) {
  return AwsEnvironment::from_map(std::move(vars), home);
}

inline TimePoint at(std::string_view iso8601) { return parse_iso8601(iso8601).value(); }

}  // namespace rg::aws::test
