#pragma once
// Typed reads from yaml-cpp nodes that collect every problem instead of stopping at the first.
// Each value travels with its path ("endpoints[3].timeout") and its mark, so a message can say
// exactly which value is wrong and where it is. The schema lives in the section readers
// (config_loader.cpp and the *_reader.cpp it calls).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"

namespace rg {

// A value in the document.
struct YamlValue {
  YAML::Node node;
  std::string path;  // "endpoints[3].timeout"
  YAML::Mark mark;   // of the value. yaml-cpp marks an empty value at the token after it, so an
                     // empty mapping value is marked at its key instead; an empty list item keeps
                     // the mark of the token after it, the nearest there is.
};

// The 1-based line of `mark` (yaml-cpp counts from 0, and has -1 where there is no position).
int line_of(const YAML::Mark& mark);
// `mark` in `file`, kept in the Config for messages about a value after loading.
SourceMark source_mark(const std::string& file, const YAML::Mark& mark);

// Problems found so far in one file, and warnings: values that load but may not do what the
// user expects (Config::warnings; check-config and the daemon print them).
class ErrorList {
 public:
  explicit ErrorList(std::string file) : file_(std::move(file)) {}

  void add(const YAML::Mark& mark, std::string path, std::string message);
  void add(const YamlValue& at, std::string message) { add(at.mark, at.path, std::move(message)); }
  void warn(const YamlValue& at, std::string message);

  bool empty() const { return errors_.empty(); }
  const std::string& file() const { return file_; }
  // Ordered by line, then column; errors at the same position keep the order they were found in.
  std::vector<ConfigError> sorted() const;
  std::vector<ConfigError> sorted_warnings() const;

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

// One entry of a mapping, in document order.
struct MappingEntry {
  std::string key;
  YAML::Mark key_mark;
  YamlValue value;
};

// The entries of one mapping, read once. Unknown keys (for a mapping with a fixed set of keys)
// and duplicate keys (which yaml-cpp keeps silently, answering lookups with the first) are
// reported when it is read.
class Mapping {
 public:
  Mapping(YamlValue value, std::vector<MappingEntry> entries)
      : value_(std::move(value)), entries_(std::move(entries)) {}

  // The entry for `key`, if present (its value may be empty).
  std::optional<YamlValue> get(std::string_view key) const;
  // Like get, but reports "is required" at the mapping itself when the key is missing.
  std::optional<YamlValue> require(std::string_view key, ErrorList& errors) const;
  const std::vector<MappingEntry>& entries() const { return entries_; }
  const YamlValue& value() const { return value_; }

 private:
  YamlValue value_;
  std::vector<MappingEntry> entries_;
};

// A mapping whose keys must be among `known_keys`. An empty value counts as an empty mapping, so
// "defaults:" with nothing under it is allowed. nullopt (after reporting) when not a mapping.
std::optional<Mapping> read_mapping(const YamlValue& value, std::vector<std::string_view> known_keys,
                                    ErrorList& errors);
// A mapping whose keys are names chosen by the user (services).
std::optional<Mapping> read_open_mapping(const YamlValue& value, ErrorList& errors);

// The items of a list, with paths "path[i]". An empty value is an empty list.
std::optional<std::vector<YamlValue>> read_list(const YamlValue& value, ErrorList& errors);

// Each reader returns nullopt after reporting a problem with the value.
std::optional<std::string> read_string(const YamlValue& value, ErrorList& errors);  // non-empty
std::optional<Millis> read_duration(const YamlValue& value, ErrorList& errors);
std::optional<int> read_int(const YamlValue& value, ErrorList& errors);
std::optional<bool> read_bool(const YamlValue& value, ErrorList& errors);
// A duration of more than zero ("must be greater than 0").
std::optional<Millis> read_positive_duration(const YamlValue& value, ErrorList& errors);
// An integer from `low` to `high`, both included ("must be between LOW and HIGH").
std::optional<int> read_int_in(const YamlValue& value, int low, int high, ErrorList& errors);

// The candidate closest to `word` by edit distance (a swap of two neighbours counts as one
// edit), if it is close enough to be a likely typo: at most one edit for words of up to four
// characters, two for longer ones. The first of equally close candidates wins.
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates);

// closest_match over candidates prepared once for many words (the services, for every endpoint
// that names one). Most candidates are ruled out in constant time, by length or by the characters
// they hold; the rest cost time linear in their length.
class TypoMatcher {
 public:
  explicit TypoMatcher(std::vector<std::string_view> candidates);
  std::optional<std::string_view> closest(std::string_view word) const;
  const std::vector<std::string_view>& candidates() const { return candidates_; }

 private:
  std::vector<std::string_view> candidates_;  // views: the strings must outlive the matcher
  std::vector<std::uint64_t> characters_;     // per candidate, the characters it holds, one bit each (mod 64)
};

// "a, b, c"; past `most` words, "a, b and 3 more", so that a message listing names the file
// defines (services) does not grow with the file.
std::string join(const std::vector<std::string_view>& words, std::size_t most = SIZE_MAX);

// `message`, plus "; did you mean `x`?" when `word` looks like a typo of a candidate.
std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string_view>& candidates);
std::string with_suggestion(std::string message, std::string_view word, const TypoMatcher& matcher);

}  // namespace rg
