// The small value parsers under the loader: durations with units, and DNS names.
#include <gtest/gtest.h>

#include "config/dns_name.h"
#include "config/duration.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, EveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), Millis{500});
  EXPECT_EQ(parse_duration("10s"), Millis{10s});
  EXPECT_EQ(parse_duration("1m"), Millis{1min});
  EXPECT_EQ(parse_duration("2h"), Millis{2h});
  EXPECT_EQ(parse_duration("7d"), Millis{168h});
  EXPECT_EQ(parse_duration("0s"), Millis{0});
}

TEST(ParseDuration, BareNumbersNeedAUnit) {
  EXPECT_EQ(parse_duration("5").error(), "durations need a unit, e.g. 10s");
  EXPECT_EQ(parse_duration("0").error(), "durations need a unit, e.g. 10s");
}

TEST(ParseDuration, RefusesEverythingElse) {
  const std::string expected = " (expected a whole number and a unit: ms, s, m, h or d, e.g. 10s)";
  for (const std::string text : {"", "s", "-1s", "1.5s", "10 s", "10S", "1m30s", "10sec", "ten seconds", " 1s"}) {
    EXPECT_EQ(parse_duration(text).error(), "invalid duration `" + text + "`" + expected) << text;
  }
  EXPECT_EQ(parse_duration("99999999999999999999ms").error(), "duration `99999999999999999999ms` is too large");
  EXPECT_EQ(parse_duration("999999999999999999d").error(), "duration `999999999999999999d` is too large");
}

TEST(FormatDuration, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(Millis{0}), "0s");
  EXPECT_EQ(format_duration(Millis{1500}), "1500ms");
  EXPECT_EQ(format_duration(Millis{5s}), "5s");
  EXPECT_EQ(format_duration(Millis{90s}), "90s");
  EXPECT_EQ(format_duration(Millis{2min}), "2m");
  EXPECT_EQ(format_duration(Millis{24h}), "1d");
  for (const Millis duration : {Millis{1}, Millis{999}, Millis{61'000}, Millis{36h}, Millis{90 * 24h}}) {
    EXPECT_EQ(parse_duration(format_duration(duration)), duration);
  }
}

TEST(DnsName, AcceptsHostnamesAndServiceNames) {
  for (const char* name : {"dynamodb.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com.", "localhost",
                           "_sip._tcp.example.com", "1.2.0.192.in-addr.arpa", "xn--bcher-kva.example",
                           "A-B.EXAMPLE"}) {
    EXPECT_EQ(dns_name_problem(name), std::nullopt) << name;
  }
  EXPECT_EQ(dns_name_problem(std::string(63, 'a') + ".com"), std::nullopt);
  // 4 labels of 63 + 3 dots = 255 is too long; 253 fits.
  const std::string label63(63, 'a');
  EXPECT_EQ(dns_name_problem(label63 + "." + label63 + "." + label63 + "." + std::string(61, 'a')), std::nullopt);
}

TEST(DnsName, SaysWhatIsWrong) {
  EXPECT_EQ(dns_name_problem(""), "is not a valid DNS name (empty label)");
  EXPECT_EQ(dns_name_problem("."), "is not a valid DNS name (empty label)");
  EXPECT_EQ(dns_name_problem("a..b"), "is not a valid DNS name (empty label)");
  EXPECT_EQ(dns_name_problem(".example.com"), "is not a valid DNS name (empty label)");
  EXPECT_EQ(dns_name_problem("example.com.."), "is not a valid DNS name (empty label)");
  EXPECT_EQ(dns_name_problem(std::string(64, 'a') + ".com"),
            "is not a valid DNS name (label `" + std::string(64, 'a') + "` is longer than 63 characters)");
  const std::string label63(63, 'a');
  EXPECT_EQ(dns_name_problem(label63 + "." + label63 + "." + label63 + "." + std::string(62, 'a')),
            "is not a valid DNS name (longer than 253 characters)");
  EXPECT_EQ(dns_name_problem("exa mple.com"),
            "is not a valid DNS name (label `exa mple` may contain only letters, digits, `-` and `_`)");
  EXPECT_EQ(dns_name_problem("https://example.com"),
            "is not a valid DNS name (label `https://example` may contain only letters, digits, `-` and `_`)");
  EXPECT_EQ(dns_name_problem("example-.com"), "is not a valid DNS name (label `example-` starts or ends with `-`)");
}

}  // namespace
}  // namespace rg
