// The shared text helpers: what they trim, and that case folding is ASCII only.
#include "core/text.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

TEST(Text, TrimTakesSpacesTabsAndLineEndsFromBothEnds) {
  EXPECT_EQ(trim("  Bearer abc \t\r\n"), "Bearer abc");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \t\r\n"), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\vx\v"), "\vx\v");  // only those four
}

TEST(Text, CaseIsFoldedForAsciiLettersOnly) {
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(iequals("chunked", "chunked "));
  EXPECT_FALSE(iequals("a", "b"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_EQ(to_lower("HTTPS://Dash.Example.COM:8080"), "https://dash.example.com:8080");
  EXPECT_EQ(to_lower("\xc3\x89"), "\xc3\x89");  // UTF-8 bytes are left alone
}

}  // namespace
}  // namespace rg
