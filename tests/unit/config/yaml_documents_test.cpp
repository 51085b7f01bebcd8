// load_yaml_documents: the documents yaml-cpp builds, with the bounds LoadAll lacks. A stray `,`
// made LoadAll loop for ever (issue 16); these tests would hang or run out of memory without the
// event pass, so they rely on it and stay fast.
#include <gtest/gtest.h>

#include <string>

#include "config/yaml_documents.h"

namespace rg {
namespace {

std::string problem_of(const std::string& text, const YamlLimits& limits = {}) {
  const auto loaded = load_yaml_documents(text, limits);
  if (loaded) return "ok";
  const YAML::Mark& mark = loaded.error().mark;
  return std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + loaded.error().message;
}

TEST(YamlDocuments, EveryDocumentIsReturnedEmptyOnesIncluded) {
  const auto loaded = load_yaml_documents("a: 1\n---\n---\nb: 2\n");
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0]["a"].as<int>(), 1);
  EXPECT_TRUE((*loaded)[1].IsNull());
  EXPECT_EQ((*loaded)[2]["b"].as<int>(), 2);
}

TEST(YamlDocuments, AStrayCommaIsAnErrorAtTheCommaNotAnEndlessLoop) {
  EXPECT_EQ(problem_of(","), "1:1: invalid YAML: unexpected `,` (commas separate items only inside [ ] or { })");
  EXPECT_EQ(problem_of("[a],"), "1:4: invalid YAML: unexpected `,` (commas separate items only inside [ ] or { })");
  EXPECT_EQ(problem_of("- a\n,"), "2:1: invalid YAML: unexpected `,` (commas separate items only inside [ ] or { })");
  // After a good document too: the stuck one is found, whichever it is.
  EXPECT_EQ(problem_of("a: 1\n---\n,"), "3:1: invalid YAML: unexpected `,` (commas separate items only inside [ ] or { })");
}

TEST(YamlDocuments, SyntaxErrorsKeepYamlCppsMessageAndMark) {
  EXPECT_EQ(problem_of("a: [1, 2\nb: 3\n"), "2:2: invalid YAML: end of sequence flow not found");
}

TEST(YamlDocuments, AliasesMayRepeatValuesUpToTheLimit) {
  // `big` holds 4 values (the list and its 3 items); each alias repeats all of them.
  const std::string text = "big: &big [1, 2, 3]\nuses: [*big, *big]\n";
  EXPECT_EQ(problem_of(text, {.max_alias_values = 8}), "ok");
  EXPECT_EQ(problem_of(text, {.max_alias_values = 7}),
            "2:14: aliases repeat more than 7 values; write the values out or use fewer aliases");
}

TEST(YamlDocuments, NestedAliasesAreCountedExpandedSoABillionLaughsStopsEarly) {
  // Nine levels of ten aliases each would be 10^9 values for a reader to walk; the eighth alias
  // of the sixth level passes a million.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 8; ++level) {
    const std::string below = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i == 0 ? "" : ", ") + below;
    text += "]\n";
  }
  EXPECT_EQ(problem_of(text).substr(0, 50), "6:45: aliases repeat more than 1000000 values; wri");
}

TEST(YamlDocuments, ATextOverTheSizeLimitIsRefusedBeforeParsing) {
  EXPECT_EQ(problem_of("regions: [us-east-1]\n", {.max_bytes = 10}),
            "0:0: the file is 21 bytes; at most 10 are read");
}

}  // namespace
}  // namespace rg
