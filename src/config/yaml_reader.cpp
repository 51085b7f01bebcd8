#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>

#include "config/duration.h"

namespace rg {
namespace {

int one_based(int zero_based) { return zero_based < 0 ? 1 : zero_based + 1; }

// The mark messages should point at: the value's, or its key's when the value is empty.
YAML::Mark mark_of(const YAML::Node& value, const YAML::Mark& fallback) {
  return value.IsNull() || value.Mark().is_null() ? fallback : value.Mark();
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

bool is_empty_scalar(const YAML::Node& node) {
  return node.IsNull() || (node.IsScalar() && node.Scalar().empty());
}

// Entries in document order; duplicates and non-string keys are reported and left out.
std::optional<Mapping> read_entries(const YamlValue& value, const std::vector<std::string_view>* known_keys,
                                    ErrorList& errors) {
  if (value.node.IsNull()) {
    return Mapping(value, {});
  }
  if (!value.node.IsMap()) {
    errors.add(value, "must be a mapping");
    return std::nullopt;
  }
  std::vector<MappingEntry> entries;
  for (const auto& pair : value.node) {
    const YAML::Mark key_mark = pair.first.Mark();
    if (!pair.first.IsScalar()) {
      errors.add(key_mark, value.path, "keys must be strings");
      continue;
    }
    const std::string key = pair.first.Scalar();
    const std::string path = child_path(value.path, key);
    const auto first = std::ranges::find(entries, key, &MappingEntry::key);
    if (first != entries.end()) {
      errors.add(key_mark, path,
                 "duplicate key (first defined at line " + std::to_string(one_based(first->key_mark.line)) + ")");
      continue;
    }
    if (known_keys != nullptr && std::ranges::find(*known_keys, key) == known_keys->end()) {
      errors.add(key_mark, path,
                 with_suggestion("unknown key (expected one of: " + join(*known_keys) + ")", key, *known_keys));
      continue;
    }
    entries.push_back({key, key_mark, YamlValue{pair.second, path, mark_of(pair.second, key_mark)}});
  }
  return Mapping(value, std::move(entries));
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("tiemout").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

void ErrorList::add(const YAML::Mark& mark, std::string path, std::string message) {
  errors_.push_back({file_, one_based(mark.line), one_based(mark.column), std::move(path), std::move(message)});
}

std::vector<ConfigError> ErrorList::sorted() const {
  std::vector<ConfigError> errors = errors_;
  std::ranges::stable_sort(errors, [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return errors;
}

std::optional<YamlValue> Mapping::get(std::string_view key) const {
  const auto entry = std::ranges::find(entries_, key, &MappingEntry::key);
  if (entry == entries_.end()) {
    return std::nullopt;
  }
  return entry->value;
}

std::optional<YamlValue> Mapping::require(std::string_view key, ErrorList& errors) const {
  auto value = get(key);
  if (!value) {
    errors.add(value_.mark, child_path(value_.path, key), "is required");
  }
  return value;
}

std::optional<Mapping> read_mapping(const YamlValue& value, std::vector<std::string_view> known_keys,
                                    ErrorList& errors) {
  return read_entries(value, &known_keys, errors);
}

std::optional<Mapping> read_open_mapping(const YamlValue& value, ErrorList& errors) {
  return read_entries(value, nullptr, errors);
}

std::optional<std::vector<YamlValue>> read_list(const YamlValue& value, ErrorList& errors) {
  if (value.node.IsNull()) {
    return std::vector<YamlValue>{};
  }
  if (!value.node.IsSequence()) {
    errors.add(value, "must be a list");
    return std::nullopt;
  }
  std::vector<YamlValue> items;
  for (std::size_t i = 0; i < value.node.size(); ++i) {
    const YAML::Node item = value.node[i];
    // An empty item has no mark of its own, only that of the token after it; that is still
    // nearer than the start of the list, which may be many items up.
    const YAML::Mark mark = item.Mark().is_null() ? value.mark : item.Mark();
    items.push_back({item, value.path + "[" + std::to_string(i) + "]", mark});
  }
  return items;
}

std::optional<std::string> read_string(const YamlValue& value, ErrorList& errors) {
  if (is_empty_scalar(value.node)) {
    errors.add(value, "must not be empty");
    return std::nullopt;
  }
  if (!value.node.IsScalar()) {
    errors.add(value, "must be a string");
    return std::nullopt;
  }
  return value.node.Scalar();
}

std::optional<Millis> read_duration(const YamlValue& value, ErrorList& errors) {
  if (is_empty_scalar(value.node)) {
    errors.add(value, "must not be empty");
    return std::nullopt;
  }
  if (!value.node.IsScalar()) {
    errors.add(value, "must be a duration such as 10s");
    return std::nullopt;
  }
  auto duration = parse_duration(value.node.Scalar());
  if (!duration) {
    errors.add(value, duration.error());
    return std::nullopt;
  }
  return *duration;
}

std::optional<int> read_int(const YamlValue& value, ErrorList& errors) {
  if (!value.node.IsScalar()) {
    errors.add(value, "must be an integer");
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  int number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range) {
    errors.add(value, "is out of range");
    return std::nullopt;
  }
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    errors.add(value, "must be an integer");
    return std::nullopt;
  }
  return number;
}

std::optional<bool> read_bool(const YamlValue& value, ErrorList& errors) {
  bool flag = false;
  // yaml-cpp's own spelling rules: true/false, yes/no, on/off, y/n in the usual cases.
  if (!value.node.IsScalar() || !YAML::convert<bool>::decode(value.node, flag)) {
    errors.add(value, "must be true or false");
    return std::nullopt;
  }
  return flag;
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates) {
  const std::size_t allowed = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  std::size_t best_distance = allowed + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string join(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::string_view word : words) {
    text += (text.empty() ? "" : ", ") + std::string(word);
  }
  return text;
}

std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string_view>& candidates) {
  if (const auto match = closest_match(word, candidates)) {
    message += "; did you mean `" + std::string(*match) + "`?";
  }
  return message;
}

}  // namespace rg
