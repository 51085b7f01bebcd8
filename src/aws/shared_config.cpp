#include "aws/shared_config.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "aws/http_message.h"
#include "aws/shell_words.h"

namespace rg::aws {
namespace {

std::string_view strip(std::string_view s) {
  constexpr std::string_view kWs = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(kWs);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kWs);
  return s.substr(first, last - first + 1);
}

std::string_view rstrip(std::string_view s) {
  const auto last = s.find_last_not_of(" \t\r\n\v\f");
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

AwsError ini_error(std::string_view file, std::size_t line, const std::string& what) {
  return make_error(AwsErrorKind::invalid_config, std::string(file) + ":" + std::to_string(line) + ": " + what);
}

// One option while its lines are being collected (configparser joins them at the end).
struct PendingOption {
  std::string key;
  std::vector<std::string> lines;
};

std::expected<void, AwsError> finish_option(ConfigSection& section, PendingOption& option, std::string_view file,
                                            std::size_t line) {
  if (option.key.empty()) return {};
  std::string value;
  for (std::size_t i = 0; i < option.lines.size(); ++i) {
    if (i != 0) value += '\n';
    value += option.lines[i];
  }
  value = std::string(rstrip(value));
  if (value.starts_with('\n')) {
    // A nested section: "s3 =\n  endpoint_url = x" (botocore's _parse_nested).
    ConfigValues nested;
    std::istringstream in(value);
    for (std::string item; std::getline(in, item);) {
      const std::string_view text = strip(item);
      if (text.empty()) continue;
      const auto eq = text.find('=');
      if (eq == std::string_view::npos) {
        return std::unexpected(ini_error(file, line, "nested value '" + std::string(text) + "' under '" +
                                                         option.key + "' is not 'key = value'"));
      }
      nested[std::string(strip(text.substr(0, eq)))] = std::string(strip(text.substr(eq + 1)));
    }
    section.nested[option.key] = std::move(nested);
  } else {
    section.values[option.key] = std::move(value);
  }
  option = {};
  return {};
}

std::expected<std::optional<std::string>, AwsError> read_optional_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) return std::optional<std::string>{};
  if (status.type() == std::filesystem::file_type::directory) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, path.string() + ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(make_error(AwsErrorKind::io, path.string() + ": cannot read"));
  std::ostringstream text;
  text << in.rdbuf();
  return std::optional<std::string>{text.str()};
}

// "profile prod" -> "prod"; "services local" -> "local" (botocore's _parse_section: shlex.split
// into exactly two words).
std::optional<std::string> section_suffix(std::string_view section, std::string_view prefix) {
  if (!section.starts_with(prefix)) return std::nullopt;
  auto words = split_shell_words(section);
  if (!words || words->size() != 2 || (*words)[0] != prefix) return std::nullopt;
  return (*words)[1];
}

}  // namespace

std::optional<std::string_view> ConfigSection::get(std::string_view key) const {
  if (auto it = values.find(key); it != values.end()) return std::string_view(it->second);
  return std::nullopt;
}

const ConfigSection* IniDocument::find(std::string_view name) const {
  for (const auto& [section_name, section] : sections) {
    if (section_name == name) return &section;
  }
  return nullptr;
}

std::expected<IniDocument, AwsError> parse_ini(std::string_view text, std::string_view file_name) {
  IniDocument doc;
  ConfigSection* current = nullptr;
  std::string current_name;
  PendingOption option;
  std::size_t option_line = 0;
  std::size_t indent_level = 0;

  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto newline = text.find('\n', pos);
    std::string_view line = text.substr(pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
    pos = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
    ++line_number;
    if (newline == std::string_view::npos && line.empty()) break;

    const std::string_view value = strip(line);
    const bool comment = value.starts_with('#') || value.starts_with(';');
    if (value.empty() || comment) {
      // An empty line inside a multi-line value is kept (and trailing ones trimmed at the end).
      if (!comment && current != nullptr && !option.key.empty()) option.lines.emplace_back();
      continue;
    }
    const std::size_t indent = line.find_first_not_of(" \t");
    if (current != nullptr && !option.key.empty() && indent > indent_level) {
      option.lines.emplace_back(value);  // continuation of the previous value
      continue;
    }
    indent_level = indent;
    if (current != nullptr) {
      if (auto done = finish_option(*current, option, file_name, option_line); !done) return std::unexpected(done.error());
    }

    if (const auto close = value.rfind(']'); value.starts_with('[') && close != std::string_view::npos && close > 1) {
      current_name = std::string(value.substr(1, close - 1));
      if (doc.find(current_name) != nullptr) {
        return std::unexpected(ini_error(file_name, line_number, "duplicate section [" + current_name + "]"));
      }
      doc.sections.emplace_back(current_name, ConfigSection{});
      current = &doc.sections.back().second;
      continue;
    }
    if (current == nullptr) {
      std::string what = "'";
      what.append(value).append("' is outside any [section]");
      return std::unexpected(ini_error(file_name, line_number, what));
    }
    const auto delimiter = value.find_first_of("=:");
    const std::string key = delimiter == std::string_view::npos ? std::string{} : to_lower(rstrip(value.substr(0, delimiter)));
    if (key.empty()) {
      return std::unexpected(ini_error(file_name, line_number, "expected 'key = value', got '" + std::string(value) + "'"));
    }
    if (current->values.contains(key) || current->nested.contains(key)) {
      return std::unexpected(
          ini_error(file_name, line_number, "duplicate key '" + key + "' in [" + current_name + "]"));
    }
    option.key = key;
    option.lines = {std::string(strip(value.substr(delimiter + 1)))};
    option_line = line_number;
  }
  if (current != nullptr) {
    if (auto done = finish_option(*current, option, file_name, option_line); !done) return std::unexpected(done.error());
  }
  return doc;
}

std::optional<ConfigSection> SharedConfig::profile(std::string_view name) const {
  const ConfigSection* from_config = config_profile(name);
  const ConfigSection* from_credentials = credentials_profile(name);
  if (from_config == nullptr && from_credentials == nullptr) return std::nullopt;
  ConfigSection merged = from_config != nullptr ? *from_config : ConfigSection{};
  if (from_credentials != nullptr) {
    for (const auto& [key, value] : from_credentials->values) merged.values[key] = value;
    for (const auto& [key, value] : from_credentials->nested) merged.nested[key] = value;
  }
  return merged;
}

const ConfigSection* SharedConfig::config_profile(std::string_view name) const {
  auto it = config_profiles.find(name);
  return it == config_profiles.end() ? nullptr : &it->second;
}

const ConfigSection* SharedConfig::credentials_profile(std::string_view name) const {
  auto it = credentials_profiles.find(name);
  return it == credentials_profiles.end() ? nullptr : &it->second;
}

std::expected<SharedConfig, AwsError> load_shared_config(const AwsEnvironment& env) {
  SharedConfig out;
  out.config_file = env.expand_user(env.get("AWS_CONFIG_FILE").value_or("~/.aws/config"));
  out.credentials_file = env.expand_user(env.get("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));

  auto config_text = read_optional_file(out.config_file);
  if (!config_text) return std::unexpected(config_text.error());
  if (*config_text) {
    auto doc = parse_ini(**config_text, out.config_file.string());
    if (!doc) return std::unexpected(doc.error());
    for (auto& [name, section] : doc->sections) {
      if (name == "default") {
        out.config_profiles[name] = std::move(section);
      } else if (auto profile = section_suffix(name, "profile")) {
        out.config_profiles[*profile] = std::move(section);
      } else if (auto services = section_suffix(name, "services")) {
        out.services[*services] = std::move(section);
      }
    }
  }

  auto credentials_text = read_optional_file(out.credentials_file);
  if (!credentials_text) return std::unexpected(credentials_text.error());
  if (*credentials_text) {
    auto doc = parse_ini(**credentials_text, out.credentials_file.string());
    if (!doc) return std::unexpected(doc.error());
    for (auto& [name, section] : doc->sections) out.credentials_profiles[name] = std::move(section);
  }
  return out;
}

std::string selected_profile(const AwsEnvironment& env, std::optional<std::string_view> explicit_profile) {
  if (explicit_profile && !explicit_profile->empty()) return std::string(*explicit_profile);
  if (auto p = env.get("AWS_DEFAULT_PROFILE")) return *p;
  if (auto p = env.get("AWS_PROFILE")) return *p;
  return "default";
}

std::optional<std::string> resolve_region(const AwsEnvironment& env, const SharedConfig& config,
                                          std::string_view profile) {
  if (auto r = env.get("AWS_REGION")) return r;
  if (auto r = env.get("AWS_DEFAULT_REGION")) return r;
  if (auto p = config.profile(profile)) {
    if (auto r = p->get("region"); r && !r->empty()) return std::string(*r);
  }
  return std::nullopt;
}

bool config_true(std::optional<std::string_view> value) { return value && iequals(strip(*value), "true"); }

}  // namespace rg::aws
