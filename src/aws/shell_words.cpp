#include "aws/shell_words.h"

namespace rg::aws {

std::expected<std::vector<std::string>, AwsError> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (it may still be empty: '')
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return std::unexpected(make_error(AwsErrorKind::invalid_config, "no closing quotation in command line"));
      }
      word.append(text.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() && (text[j + 1] == '"' || text[j + 1] == '\\')) ++j;
        word.push_back(text[j]);
      }
      if (j >= text.size()) {
        return std::unexpected(make_error(AwsErrorKind::invalid_config, "no closing quotation in command line"));
      }
      in_word = true;
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) {
        return std::unexpected(make_error(AwsErrorKind::invalid_config, "no escaped character after '\\' in command line"));
      }
      word.push_back(text[++i]);
      in_word = true;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace rg::aws
