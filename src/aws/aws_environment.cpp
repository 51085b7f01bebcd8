#include "aws/aws_environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace rg::aws {

AwsEnvironment AwsEnvironment::from_process() {
  AwsEnvironment env;
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str())) return std::string(value);
    return std::nullopt;
  };
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    env.home = home;
  } else {
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr) {
      env.home = found->pw_dir;
    }
  }
  return env;
}

AwsEnvironment AwsEnvironment::from_map(std::map<std::string, std::string, std::less<>> variables,
                                        std::filesystem::path home) {
  AwsEnvironment env;
  env.getenv = [vars = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
  env.home = std::move(home);
  return env;
}

std::optional<std::string> AwsEnvironment::get(std::string_view name) const {
  if (!getenv) return std::nullopt;
  auto value = getenv(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::filesystem::path AwsEnvironment::expand_user(std::string_view path) const {
  if (path == "~") return home;
  if (path.starts_with("~/")) return home / std::filesystem::path(path.substr(2));
  return std::filesystem::path(path);
}

}  // namespace rg::aws
