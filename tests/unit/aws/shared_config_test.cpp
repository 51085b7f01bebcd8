// The shared config and credentials files, parsed the way botocore (configparser) parses them.
#include "aws/shared_config.h"

#include <gtest/gtest.h>

#include "aws/shell_words.h"
#include "aws_test_util.h"
#include "support/temp_dir.h"

namespace rg::aws {
namespace {

using test::fake_env;
using test::write_file;

TEST(Ini, ReadsKeysCaseInsensitivelyWithEitherDelimiter) {
  const auto doc = parse_ini(
      "# comment\n"
      "; another\n"
      "[default]\n"
      "Region = eu-west-1\n"
      "output: json\n"
      "  \n"
      "cli_pager=\n"
      "note = a # not a comment\n",
      "config");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const ConfigSection* s = doc->find("default");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->get("region"), "eu-west-1");
  EXPECT_EQ(s->get("output"), "json");
  EXPECT_EQ(s->get("cli_pager"), "");
  EXPECT_EQ(s->get("note"), "a # not a comment");  // configparser has no inline comments
}

TEST(Ini, IndentedBlocksAreNestedSectionsOrContinuations) {
  const auto doc = parse_ini(
      "[profile dev]\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  # skipped\n"
      "  endpoint_url = http://localhost:4566\n"
      "description = first\n"
      "   second\n"
      "region = us-west-2\n",
      "config");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const ConfigSection* s = doc->find("profile dev");
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->nested.contains("s3"));
  EXPECT_EQ(s->nested.at("s3").at("addressing_style"), "path");
  EXPECT_EQ(s->nested.at("s3").at("endpoint_url"), "http://localhost:4566");
  EXPECT_EQ(s->get("description"), "first\nsecond");
  EXPECT_EQ(s->get("region"), "us-west-2");
}

TEST(Ini, ReportsMalformedFilesWithTheLine) {
  struct Bad {
    const char* text;
    const char* message;
  };
  for (const Bad& bad : {Bad{"region = x\n", "config:1: 'region = x' is outside any [section]"},
                         Bad{"[a]\nregion\n", "config:2: expected 'key = value', got 'region'"},
                         Bad{"[a]\nx = 1\n[a]\n", "config:3: duplicate section [a]"},
                         Bad{"[a]\nx = 1\nX = 2\n", "config:3: duplicate key 'x' in [a]"},
                         Bad{"[a]\ns3 =\n  no-equals-here\n", "config:2: nested value 'no-equals-here' under 's3' is not 'key = value'"}}) {
    const auto doc = parse_ini(bad.text, "config");
    ASSERT_FALSE(doc.has_value()) << bad.text;
    EXPECT_EQ(doc.error().kind, AwsErrorKind::invalid_config);
    EXPECT_EQ(doc.error().message, bad.message);
  }
}

TEST(ShellWords, SplitLikePythonShlex) {
  EXPECT_EQ(split_shell_words("a 'b c' \"d \\\" e\" f\\ g '' h\"i\"j").value(),
            (std::vector<std::string>{"a", "b c", "d \" e", "f g", "", "hij"}));
  EXPECT_EQ(split_shell_words("  ").value(), std::vector<std::string>{});
  EXPECT_EQ(split_shell_words("\"a\\nb\"").value(), std::vector<std::string>{"a\\nb"});
  EXPECT_FALSE(split_shell_words("'open"));
  EXPECT_FALSE(split_shell_words("trailing\\"));
}

class SharedConfigFiles : public ::testing::Test {
 protected:
  rg::test::TempDir dir_;
  std::filesystem::path home() const { return dir_.path() / "home"; }
};

TEST_F(SharedConfigFiles, ProfilesComeFromBothFilesAndTheCredentialsFileWins) {
  write_file(home() / ".aws/config",
             "[default]\nregion = us-east-1\n"
             "[profile prod]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/from-config\n"
             "[prod]\nregion = ignored: in the config file a profile needs the 'profile' prefix\n"
             "[profile \"with space\"]\nregion = ap-south-1\n"
             "[services local]\ns3 =\n  endpoint_url = http://localhost:4566\n"
             "[sso-session corp]\nsso_region = us-east-1\n");
  write_file(home() / ".aws/credentials",
             "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = secret\n"
             "role_arn = arn:aws:iam::123456789012:role/from-credentials\n"
             "[profile odd]\naws_access_key_id = AKIAODD\n");
  const auto config = load_shared_config(fake_env({}, home())).value();
  EXPECT_EQ(config.config_file, home() / ".aws/config");

  EXPECT_TRUE(config.config_profile("default"));
  EXPECT_EQ(config.config_profile("prod")->get("region"), "eu-west-1");
  EXPECT_TRUE(config.config_profile("with space"));
  EXPECT_TRUE(config.services.contains("local"));
  EXPECT_EQ(config.config_profiles.size(), 3u);

  // In the credentials file the section name is the profile name, prefix or not.
  EXPECT_TRUE(config.credentials_profile("prod"));
  EXPECT_TRUE(config.credentials_profile("profile odd"));

  const auto prod = config.profile("prod").value();
  EXPECT_EQ(prod.get("region"), "eu-west-1");
  EXPECT_EQ(prod.get("aws_access_key_id"), "AKIAPROD");
  EXPECT_EQ(prod.get("role_arn"), "arn:aws:iam::123456789012:role/from-credentials");
  EXPECT_FALSE(config.profile("missing"));
}

TEST_F(SharedConfigFiles, LocationsComeFromTheEnvironment) {
  write_file(dir_.path() / "elsewhere/cfg", "[profile x]\nregion = sa-east-1\n");
  write_file(dir_.path() / "elsewhere/creds", "[y]\naws_access_key_id = A\n");
  const auto env = fake_env({{"AWS_CONFIG_FILE", (dir_.path() / "elsewhere/cfg").string()},
                             {"AWS_SHARED_CREDENTIALS_FILE", (dir_.path() / "elsewhere/creds").string()}},
                            home());
  const auto config = load_shared_config(env).value();
  EXPECT_TRUE(config.config_profile("x"));
  EXPECT_TRUE(config.credentials_profile("y"));
}

TEST_F(SharedConfigFiles, MissingFilesAreEmptyButBrokenOnesAreErrors) {
  const auto nothing = load_shared_config(fake_env({}, home()));
  ASSERT_TRUE(nothing.has_value());
  EXPECT_TRUE(nothing->config_profiles.empty());

  write_file(home() / ".aws/credentials", "[default]\naws_access_key_id = A\naws_access_key_id = B\n");
  const auto broken = load_shared_config(fake_env({}, home()));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().message, (home() / ".aws/credentials").string() + ":3: duplicate key 'aws_access_key_id' in [default]");
}

TEST_F(SharedConfigFiles, ProfileSelectionFollowsBotocore) {
  EXPECT_EQ(selected_profile(fake_env({}, home()), std::nullopt), "default");
  EXPECT_EQ(selected_profile(fake_env({{"AWS_PROFILE", "p"}}, home()), std::nullopt), "p");
  EXPECT_EQ(selected_profile(fake_env({{"AWS_PROFILE", ""}}, home()), std::nullopt), "default");
  // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE.
  EXPECT_EQ(selected_profile(fake_env({{"AWS_PROFILE", "p"}, {"AWS_DEFAULT_PROFILE", "d"}}, home()), std::nullopt), "d");
  EXPECT_EQ(selected_profile(fake_env({{"AWS_PROFILE", "p"}}, home()), "explicit"), "explicit");
}

TEST_F(SharedConfigFiles, RegionFromEnvironmentThenProfile) {
  write_file(home() / ".aws/config", "[default]\nregion = eu-west-1\n[profile b]\nregion = ap-northeast-1\n");
  const auto config = load_shared_config(fake_env({}, home())).value();
  EXPECT_EQ(resolve_region(fake_env({}, home()), config, "default"), "eu-west-1");
  EXPECT_EQ(resolve_region(fake_env({}, home()), config, "b"), "ap-northeast-1");
  EXPECT_EQ(resolve_region(fake_env({{"AWS_DEFAULT_REGION", "us-west-1"}}, home()), config, "b"), "us-west-1");
  EXPECT_EQ(resolve_region(fake_env({{"AWS_DEFAULT_REGION", "us-west-1"}, {"AWS_REGION", "us-east-2"}}, home()), config, "b"),
            "us-east-2");
  EXPECT_FALSE(resolve_region(fake_env({}, home()), config, "none"));
}

}  // namespace
}  // namespace rg::aws
