#pragma once
// The process environment and home directory, injectable: credential and endpoint resolution read
// them only through this, so tests never depend on the real environment of the machine.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rg::aws {

struct AwsEnvironment {
  // Returns the variable's value, or nullopt when it is not set.
  std::function<std::optional<std::string>(std::string_view name)> getenv;
  // What "~" means in ~/.aws/config; empty when there is no home directory.
  std::filesystem::path home;

  // The real thing: ::getenv and $HOME (or the password database when HOME is unset).
  static AwsEnvironment from_process();
  // A fixed set of variables, for tests and for embedding.
  static AwsEnvironment from_map(std::map<std::string, std::string, std::less<>> variables, std::filesystem::path home);

  // The value when set and non-empty. An empty variable counts as unset everywhere here, as
  // botocore does for AWS_ACCESS_KEY_ID, AWS_PROFILE and AWS_ENDPOINT_URL_*.
  std::optional<std::string> get(std::string_view name) const;

  // "~/x" and "~" relative to home; anything else unchanged.
  std::filesystem::path expand_user(std::string_view path) const;
};

}  // namespace rg::aws
