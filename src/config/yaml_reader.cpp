#include "config/yaml_reader.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstddef>
#include <unordered_map>

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
  std::unordered_map<std::string, int> first_lines;  // key -> line it was first defined on
  for (const auto& pair : value.node) {
    const YAML::Mark key_mark = pair.first.Mark();
    if (!pair.first.IsScalar()) {
      errors.add(key_mark, value.path, "keys must be strings");
      continue;
    }
    const std::string key = pair.first.Scalar();
    const std::string path = child_path(value.path, key);
    if (const auto [first, inserted] = first_lines.emplace(key, one_based(key_mark.line)); !inserted) {
      errors.add(key_mark, path, "duplicate key (first defined at line " + std::to_string(first->second) + ")");
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

constexpr std::size_t kMaxEdits = 2;  // closest_match allows at most two

// The optimal string alignment distance (Levenshtein plus swaps of neighbours: "tiemout") when it
// is at most `limit` (up to kMaxEdits), otherwise limit + 1. Only cells within kMaxEdits of the
// diagonal can hold so small a distance, so each row keeps just those and the work is linear in
// the length; the whole table was quadratic (100 unknown 1,000-character names against 100
// services took 48 s). It also stops at the first row with nothing within the limit.
std::size_t edit_distance_within(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t over = limit + 1;
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return over;
  const auto n = static_cast<std::ptrdiff_t>(a.size());
  const auto m = static_cast<std::ptrdiff_t>(b.size());
  constexpr auto k = static_cast<std::ptrdiff_t>(kMaxEdits);
  std::array<std::array<std::size_t, 2 * kMaxEdits + 1>, 3> rows{};  // rows[i % 3][j - i + k] is d(i, j)
  const auto d = [&](std::ptrdiff_t i, std::ptrdiff_t j) {
    return j < 0 || j > m || j < i - k || j > i + k ? over : rows[i % 3][j - i + k];
  };
  for (std::ptrdiff_t i = 0; i <= n; ++i) {
    std::size_t row_min = over;
    for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, i - k); j <= std::min(m, i + k); ++j) {
      std::size_t cell = static_cast<std::size_t>(i == 0 ? j : i);  // d(0, j) = j, d(i, 0) = i
      if (i > 0 && j > 0) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        cell = std::min({d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cell = std::min(cell, d(i - 2, j - 2) + 1);
      }
      rows[i % 3][j - i + k] = std::min(cell, over);
      row_min = std::min(row_min, cell);
    }
    if (row_min > limit) return over;
  }
  return d(n, m);
}

// Which characters `word` holds, each as bit (c mod 64).
std::uint64_t character_bits(std::string_view word) {
  std::uint64_t bits = 0;
  for (const char c : word) bits |= std::uint64_t{1} << (static_cast<unsigned char>(c) % 64);
  return bits;
}

}  // namespace

int line_of(const YAML::Mark& mark) { return one_based(mark.line); }

SourceMark source_mark(const std::string& file, const YAML::Mark& mark) {
  return {file, one_based(mark.line), one_based(mark.column)};
}

void ErrorList::add(const YAML::Mark& mark, std::string path, std::string message) {
  errors_.push_back({file_, one_based(mark.line), one_based(mark.column), std::move(path), std::move(message)});
}

void ErrorList::warn(const YamlValue& at, std::string message) {
  warnings_.push_back({file_, one_based(at.mark.line), one_based(at.mark.column), at.path, std::move(message)});
}

namespace {
std::vector<ConfigError> by_position(std::vector<ConfigError> errors) {
  std::ranges::stable_sort(errors, [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return errors;
}
}  // namespace

std::vector<ConfigError> ErrorList::sorted() const { return by_position(errors_); }
std::vector<ConfigError> ErrorList::sorted_warnings() const { return by_position(warnings_); }

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

std::optional<Millis> read_positive_duration(const YamlValue& value, ErrorList& errors) {
  const auto duration = read_duration(value, errors);
  if (duration && *duration <= Millis::zero()) {
    errors.add(value, "must be greater than 0");
    return std::nullopt;
  }
  return duration;
}

std::optional<int> read_int_in(const YamlValue& value, int low, int high, ErrorList& errors) {
  const auto number = read_int(value, errors);
  if (number && (*number < low || *number > high)) {
    errors.add(value, "must be between " + std::to_string(low) + " and " + std::to_string(high));
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
  return TypoMatcher(candidates).closest(word);
}

TypoMatcher::TypoMatcher(std::vector<std::string_view> candidates) : candidates_(std::move(candidates)) {
  characters_.reserve(candidates_.size());
  for (const std::string_view candidate : candidates_) characters_.push_back(character_bits(candidate));
}

std::optional<std::string_view> TypoMatcher::closest(std::string_view word) const {
  const std::size_t allowed = word.size() <= 4 ? 1 : 2;
  // An edit changes which characters a word holds by at most two bits (a substitution: one
  // gone, one new), so more bits apart than that is more edits apart.
  const std::uint64_t bits = character_bits(word);
  std::optional<std::string_view> best;
  std::size_t best_distance = allowed + 1;
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (static_cast<std::size_t>(std::popcount(bits ^ characters_[i])) > 2 * allowed) continue;
    const std::size_t distance = edit_distance_within(word, candidates_[i], std::min(allowed, best_distance - 1));
    if (distance < best_distance) {
      best = candidates_[i];
      best_distance = distance;
    }
  }
  return best;
}

std::string join(const std::vector<std::string_view>& words, std::size_t most) {
  std::string text;
  for (std::size_t i = 0; i < words.size() && i < most; ++i) {
    text += (text.empty() ? "" : ", ") + std::string(words[i]);
  }
  if (words.size() > most) {
    text += " and " + std::to_string(words.size() - most) + " more";
  }
  return text;
}

std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string_view>& candidates) {
  return with_suggestion(std::move(message), word, TypoMatcher(candidates));
}

std::string with_suggestion(std::string message, std::string_view word, const TypoMatcher& matcher) {
  if (const auto match = matcher.closest(word)) {
    message += "; did you mean `" + std::string(*match) + "`?";
  }
  return message;
}

}  // namespace rg
