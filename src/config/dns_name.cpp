#include "config/dns_name.h"

#include <algorithm>

namespace rg {
namespace {

constexpr std::size_t max_name_length = 253;
constexpr std::size_t max_label_length = 63;

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::optional<std::string> label_problem(std::string_view label) {
  if (label.empty()) {
    return "is not a valid DNS name (empty label)";
  }
  if (label.size() > max_label_length) {
    return "is not a valid DNS name (label `" + std::string(label) + "` is longer than 63 characters)";
  }
  if (!std::ranges::all_of(label, is_label_char)) {
    return "is not a valid DNS name (label `" + std::string(label) +
           "` may contain only letters, digits, `-` and `_`)";
  }
  if (label.front() == '-' || label.back() == '-') {
    return "is not a valid DNS name (label `" + std::string(label) + "` starts or ends with `-`)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> dns_name_problem(std::string_view name) {
  if (name.ends_with('.') && name.size() > 1) {
    name.remove_suffix(1);
  }
  if (name.size() > max_name_length) {
    return "is not a valid DNS name (longer than 253 characters)";
  }
  while (true) {
    const std::size_t dot = name.find('.');
    if (auto problem = label_problem(name.substr(0, dot))) {
      return problem;
    }
    if (dot == std::string_view::npos) {
      return std::nullopt;
    }
    name.remove_prefix(dot + 1);
  }
}

}  // namespace rg
