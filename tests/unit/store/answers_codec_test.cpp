#include "store/answers_codec.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

using namespace std::string_literals;

TEST(AnswersCodec, ValidUtf8IsStoredAsPlainJson) {
  const std::vector<DnsAnswer> answers = {{"A", "192.0.2.1", 60}, {"TXT", "v=spf1 \"quoted\" ✓", 300}};
  auto json = encode_answers(answers);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(*json,
            R"([{"type":"A","data":"192.0.2.1","ttl":60},{"type":"TXT","data":"v=spf1 \"quoted\" ✓","ttl":300}])");
  EXPECT_EQ(decode_answers(*json), answers);
}

TEST(AnswersCodec, BytesThatAreNotUtf8AreStoredAsHexAndComeBackExactly) {
  const std::vector<DnsAnswer> answers = {{"TXT", "\xff\x00\x80z"s, 5}};
  auto json = encode_answers(answers);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(*json, R"([{"type":"TXT","data_hex":"ff00807a","ttl":5}])");
  EXPECT_EQ(decode_answers(*json), answers);
}

TEST(AnswersCodec, ControlCharactersAreEscaped) {
  const std::vector<DnsAnswer> answers = {{"TXT",
                                           "a\"b\\c\nd\te\x01"
                                           "f\0g"s,
                                           1}};
  auto json = encode_answers(answers);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(*json, R"([{"type":"TXT","data":"a\"b\\c\nd\te\u0001f\u0000g","ttl":1}])");
  EXPECT_EQ(decode_answers(*json), answers);
}

TEST(AnswersCodec, NoAnswersIsAnEmptyArray) {
  EXPECT_EQ(encode_answers({}), "[]");
  EXPECT_EQ(decode_answers("[]"), std::vector<DnsAnswer>{});
}

TEST(AnswersCodec, MalformedTextIsAnErrorThatQuotesIt) {
  for (const std::string bad :
       {"", "{}", "[1]", R"([{"type":"A","data":"x"}])", R"([{"type":"A","data":"x","ttl":-1}])",
        R"([{"type":"A","data":"x","ttl":4294967296}])", R"([{"type":"A","data_hex":"zz","ttl":1}])", "[{\"type\":"}) {
    auto decoded = decode_answers(bad);
    ASSERT_FALSE(decoded.has_value()) << bad;
    EXPECT_EQ(decoded.error().code, StoreError::Code::io);
    EXPECT_NE(decoded.error().message.find(bad), std::string::npos) << decoded.error().message;
  }
}

TEST(AnswersCodec, Utf8ValidationRejectsWhatJsonCannotCarry) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("ünïcødé ✓ 🚀 \xf4\x8f\xbf\xbf"));  // the last is U+10FFFF
  EXPECT_TRUE(is_valid_utf8("nul \0 inside"s));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate half
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x9c"));          // truncated ✓
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
}

}  // namespace
}  // namespace rg
