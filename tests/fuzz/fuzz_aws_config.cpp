// Fuzz target: what regionguard reads from the AWS files a host carries and from the programs it
// runs for credentials, one per selector byte (tests/fuzz/README.md):
//
//   0 an INI document (the shared config and credentials files' syntax)
//   1 a shared config file, as load_shared_config reads it (from a file in a temporary directory),
//     with the profile and region lookups on what it read
//   2 credential_process output (JSON)
//   3 a credential_process command line (shell words)
//   4 AWS timestamps (X-Amz-Date and ISO 8601)
//   5 a shared credentials file, as 1
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "aws/aws_time.h"
#include "aws/credential_process.h"
#include "aws/shared_config.h"
#include "aws/shell_words.h"
#include "fuzz/fuzz_input.h"

namespace {

namespace aws = rg::aws;

void ini(std::string_view text) {
  const auto document = aws::parse_ini(text, "config");
  if (!document) return;
  for (const auto& [name, section] : document->sections) (void)section.get("region");
  (void)document->find("default");
}

// The files load_shared_config reads, in a directory of this process's own, removed at exit.
struct ScratchDirectory {
  ScratchDirectory() { std::filesystem::create_directories(path); }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("rg-fuzz-aws-" + std::to_string(::getpid()));
};

const std::filesystem::path& directory() {
  static const ScratchDirectory scratch;
  return scratch.path;
}

void shared_files(std::string_view text, bool as_credentials) {
  const auto file = directory() / (as_credentials ? "credentials" : "config");
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(text.data(), static_cast<std::streamsize>(text.size()));
  const auto env = aws::AwsEnvironment::from_map(
      {{"AWS_CONFIG_FILE", (directory() / "config").string()},
       {"AWS_SHARED_CREDENTIALS_FILE", (directory() / "credentials").string()}},
      directory());
  const auto config = aws::load_shared_config(env);
  std::filesystem::remove(file);
  if (!config) return;
  const std::string profile = aws::selected_profile(env, std::nullopt);
  (void)config->profile(profile);
  (void)aws::resolve_region(env, *config, profile);
  for (const auto& [name, section] : config->config_profiles) (void)aws::config_true(section.get("use_fips_endpoint"));
}

void timestamps(std::string_view text) {
  (void)aws::parse_amz_date(text);
  (void)aws::parse_iso8601(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, rest] = rg::fuzz::select(data, size, 6);
  switch (selector) {
    case 0: ini(rest); break;
    case 1: shared_files(rest, false); break;
    case 2: (void)aws::parse_credential_process_output(rest); break;
    case 3: (void)aws::split_shell_words(rest); break;
    case 4: timestamps(rest); break;
    case 5: shared_files(rest, true); break;
    default: break;
  }
  return 0;
}
