// Files with many names (issue 16: loading was quadratic). Messages that list the names a file
// defines stay bounded however many there are, "did you mean" still finds a typo among them, and
// the checks that compared each name with each other one still find what they found. How long a
// load takes is measured in bench/config_load_bench.cpp, not asserted here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/yaml_reader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using test::errors_of;

// `count` services service0 … service{count-1}, and one endpoint per name in `references`.
std::string config_with(int count, const std::vector<std::string>& references) {
  std::string yaml = "regions: [us-east-1]\nservices:\n";
  for (int i = 0; i < count; ++i) yaml += "  service" + std::to_string(i) + ": {}\n";
  yaml += "endpoints:\n";
  for (std::size_t i = 0; i < references.size(); ++i)
    yaml += "  - { hostname: h" + std::to_string(i) + ".example.com, service: " + references[i] +
            ", region: us-east-1 }\n";
  return yaml;
}

TEST(BigConfig, AnUnknownServiceListsTenServicesAndCountsTheRest) {
  const auto errors = errors_of(config_with(12, {"nope"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "a.yaml:16:42: endpoints[0].service: unknown service `nope` (services are: service0, service1, "
            "service2, service3, service4, service5, service6, service7, service8, service9 and 2 more)");
}

TEST(BigConfig, ATypoOfAServiceNotListedIsStillSuggested) {
  const auto errors = errors_of(config_with(12, {"servcie11"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], testing::EndsWith("and 2 more); did you mean `service11`?"));
}

TEST(BigConfig, PastAHundredUnknownServicesTheRestGetNoSuggestion) {
  // Each of these is one edit from service1; the first hundred are told so, then the file is
  // plainly not a few typos and the look through every service stops.
  const auto errors = errors_of(config_with(3, std::vector<std::string>(101, "servce1")));
  ASSERT_EQ(errors.size(), 101u);
  EXPECT_THAT(errors[99], testing::EndsWith("; did you mean `service1`?"));
  EXPECT_THAT(errors[100], testing::EndsWith("(services are: service0, service1, service2)"));
}

TEST(BigConfig, ADuplicateKeyAmongThousandsNamesTheFirstLine) {
  std::string yaml = config_with(5000, {"service0"});
  yaml.insert(yaml.find("endpoints:"), "  service4321: {}\n");
  const auto errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "a.yaml:5003:3: services.service4321: duplicate key (first defined at line 4324)");
}

TEST(TypoMatcher, OneOrTwoEditsMatchWithinTheLengthAllowed) {
  const TypoMatcher matcher({"timeout", "interval", "jitter", "rds"});
  EXPECT_EQ(matcher.closest("tiemout"), "timeout");    // a swap is one edit
  EXPECT_EQ(matcher.closest("intervl"), "interval");   // a deletion
  EXPECT_EQ(matcher.closest("jitterrr"), "jitter");    // two insertions
  EXPECT_EQ(matcher.closest("jaxxer"), std::nullopt);   // three
  EXPECT_EQ(matcher.closest("rdx"), "rds");             // short words: one edit...
  EXPECT_EQ(matcher.closest("rxx"), std::nullopt);      // ...and no more
}

TEST(TypoMatcher, TheFirstOfEquallyCloseCandidatesWins) {
  EXPECT_EQ(TypoMatcher({"lambda", "lambdb", "lambd"}).closest("lambdx"), "lambda");
  EXPECT_EQ(TypoMatcher({"lambdxy", "lambda"}).closest("lambdx"), "lambdxy");  // one edit either way
}

TEST(TypoMatcher, LongNamesDifferingByASwapMatch) {
  // The distance is computed in a band around the diagonal: a 1,000-character name costs
  // thousands of steps, not a million.
  std::string name(1000, 'a');
  name[500] = 'b';
  std::string typo = name;
  std::swap(typo[500], typo[501]);
  std::string far = name;
  far[10] = far[20] = far[30] = 'z';
  const TypoMatcher matcher({far, name});
  EXPECT_EQ(matcher.closest(typo), name);
}

}  // namespace
}  // namespace rg
