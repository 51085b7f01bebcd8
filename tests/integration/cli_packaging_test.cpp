// What a packager meets when running the binary (issue 19, "Small things a packager meets"):
// `--version` names the build and the libraries it runs with, `--log-format json` gives JSON lines
// on stderr for journald and CloudWatch Logs, and `iam-policy` on a configuration that calls no
// AWS keeps stdout empty (a pipe into `aws iam create-policy` gets no fake policy).
#include <ares.h>
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "integration/regionguard_command.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using test::regionguard;
using ::testing::HasSubstr;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The commit the binary was built from: `git rev-parse` of the source tree, or "unknown" when the
// tree is not a git checkout (a source tarball), as cmake/git_commit.cmake decides.
// Whether `commit` names a commit of this checkout: the one the binary was built from, which is
// HEAD in CI but may be an ancestor when someone commits after building.
bool is_commit_of_checkout(const std::string& commit) {
  const std::string command = "git -C " + test::shell_quote(RG_SOURCE_DIR) + " merge-base --is-ancestor " +
                              test::shell_quote(commit) + " HEAD 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

// A DNS-only configuration: no AWS API is called. Its resolver listens nowhere, so `run` records
// timeouts, which is all these tests need of it.
std::string write_dns_only_config(const test::TempDir& dir) {
  const auto path = dir.path() / "regionguard.yaml";
  std::ofstream(path) << "regions: [us-east-1]\n"
                         "defaults: { interval: 1s, timeout: 200ms, jitter: 0s, resolvers: [\"127.0.0.1:"
                      << test::free_port()
                      << "\"] }\n"
                         "services: { s3: {} }\n"
                         "endpoints:\n"
                         "  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1 }\n"
                         "store: { path: history.db }\n"
                         "server: { listen: \"127.0.0.1:"
                      << test::free_port() << "\" }\n";
  return path.string();
}

TEST(CliPackaging, VersionNamesTheBuildAndTheLibrariesItRunsWith) {
  const test::TempDir dir;
  const auto r = regionguard({"--version"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  // "-dirty" when the tree had uncommitted changes at build time.
  std::smatch built;
  ASSERT_TRUE(std::regex_match(lines[0], built, std::regex(R"(regionguard \d+\.\d+\.\d+ \(commit ([0-9a-f]{12})(-dirty)?\))")))
      << lines[0];
  EXPECT_TRUE(is_commit_of_checkout(built[1].str())) << lines[0] << " names no commit of " << RG_SOURCE_DIR;
  EXPECT_EQ(lines[1], std::string("  c-ares ") + ares_version(nullptr));
  EXPECT_EQ(lines[2], std::string("  curl ") + curl_version_info(CURLVERSION_NOW)->version);
  EXPECT_EQ(lines[3], std::string("  ") + OpenSSL_version(OPENSSL_VERSION));
  EXPECT_THAT(lines[3], testing::StartsWith("  OpenSSL "));
  EXPECT_EQ(lines[4], std::string("  SQLite ") + sqlite3_libversion());
}

TEST(CliPackaging, LogFormatJsonWritesOneJsonObjectPerLineOnStderr) {
  const test::TempDir dir;
  const auto config = write_dns_only_config(dir);
  const auto r = regionguard({"--log-format", "json", "run", "-c", config, "--rounds", "1"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.err);
  ASSERT_FALSE(lines.empty()) << "run logged nothing";
  for (const auto& line : lines) {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(record.is_object()) << "not a JSON object: " << line;
    EXPECT_TRUE(record["time"].is_string()) << line;
    EXPECT_TRUE(record["level"].is_string()) << line;
    EXPECT_EQ(record["logger"], "regionguard") << line;
    EXPECT_TRUE(record["message"].is_string()) << line;
  }

  // The default stays the text an operator reads on a terminal.
  const auto text = regionguard({"run", "-c", config, "--rounds", "1"}, dir);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_FALSE(lines_of(text.err).empty());
  EXPECT_FALSE(nlohmann::json::accept(lines_of(text.err).front())) << text.err;

  EXPECT_EQ(regionguard({"--log-format", "xml", "check-config", config}, dir).exit_code, 3);
}

// Under journald a daemon's configuration errors are log records too: with --log-format json they
// come as JSON lines, each naming its file:line:col, never as bare text among the records.
TEST(CliPackaging, LogFormatJsonReportsConfigurationErrorsAsJsonLines) {
  const test::TempDir dir;
  const auto bad = (dir.path() / "bad.yaml").string();
  std::ofstream(bad) << "regions: [us-east-1]\nservices: { s3: {} }\nendpoints:\n"
                        "  - { hostname: a.example.test, service: s3, region: us-east-1, timeout: 20s }\n";
  const auto r = regionguard({"--log-format", "json", "check-config", bad}, dir);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 2u) << r.err;  // the error, then the count
  for (const auto& line : lines) {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(record.is_object()) << "not a JSON object: " << line;
    EXPECT_EQ(record["level"], "error") << line;
  }
  EXPECT_EQ(nlohmann::json::parse(lines[0])["message"],
            bad + ":4:74: endpoints[0].timeout: must be less than interval");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["message"], "1 error in " + bad);
}

TEST(CliPackaging, IamPolicyWithoutAwsPrintsItsNoteOnStderrAndNothingOnStdout) {
  const test::TempDir dir;
  const auto r = regionguard({"iam-policy", "-c", write_dns_only_config(dir)}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("this configuration calls no AWS API: no permissions are needed"));
}

}  // namespace
}  // namespace rg
