// Parsing request targets and the API's query values: percent-encoding, repeated and unknown
// parameters, times in both spellings, durations and counts.
#include "present/request_target.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

using namespace std::chrono_literals;

const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

TEST(PercentDecode, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(percent_decode("app.example.com%2Fhealth"), "app.example.com/health");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("caf%C3%A9"), "caf\xC3\xA9");
}

TEST(PercentDecode, RefusesBrokenEscapesAndNul) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%2"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("a%00b"), std::nullopt);
}

TEST(ParseRequestTarget, SplitsPathAndQuery) {
  const auto target = parse_request_target("/api/v1/endpoints?status=critical&region=us-east-1&&service=s3+x");
  ASSERT_TRUE(target.has_value()) << target.error();
  EXPECT_EQ(target->path, "/api/v1/endpoints");
  ASSERT_EQ(target->query.size(), 3u);
  EXPECT_EQ(target->query[0], (std::pair<std::string, std::string>{"status", "critical"}));
  EXPECT_EQ(target->query[2], (std::pair<std::string, std::string>{"service", "s3 x"}));

  const auto flag = parse_request_target("/x?flag");
  ASSERT_TRUE(flag.has_value());
  EXPECT_EQ(flag->query[0], (std::pair<std::string, std::string>{"flag", ""}));
}

// RFC 9112 3.2.2: "A server MUST accept the absolute-form in requests"; its authority stands
// for Host, so the Host check sees what the client really asked for.
TEST(ParseRequestTarget, AcceptsTheAbsoluteFormAndKeepsItsAuthority) {
  const auto target = parse_request_target("http://127.0.0.1:8080/api/v1/endpoints?region=us-east-1");
  ASSERT_TRUE(target.has_value()) << target.error();
  EXPECT_EQ(target->path, "/api/v1/endpoints");
  EXPECT_EQ(target->authority, "127.0.0.1:8080");
  ASSERT_EQ(target->query.size(), 1u);
  EXPECT_EQ(target->query[0].second, "us-east-1");

  const auto bare = parse_request_target("HTTPS://dash.example.com");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->authority, "dash.example.com");
  EXPECT_EQ(parse_request_target("http://h?x=1")->path, "/");
  EXPECT_FALSE(parse_request_target("/healthz")->authority.has_value());

  EXPECT_FALSE(parse_request_target("http:///healthz").has_value());            // no host
  EXPECT_FALSE(parse_request_target("http://user@evil.example/").has_value());  // user information
}

TEST(ParseRequestTarget, RefusesWhatIsNeitherOriginNorAbsoluteForm) {
  EXPECT_FALSE(parse_request_target("ftp://example.com/api/v1/summary").has_value());
  EXPECT_FALSE(parse_request_target("example.com/api/v1/summary").has_value());
  EXPECT_FALSE(parse_request_target("*").has_value());
  EXPECT_FALSE(parse_request_target("").has_value());
  EXPECT_FALSE(parse_request_target("/a%zz").has_value());
  EXPECT_FALSE(parse_request_target("/a?x=%").has_value());
}

TEST(QueryParams, RejectsUnknownAndRepeatedParameters) {
  const auto ok = QueryParams::parse({{"status", "critical"}}, {"status", "region"});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->get("status"), "critical");
  EXPECT_EQ(ok->get("region"), std::nullopt);

  const auto typo = QueryParams::parse({{"stauts", "critical"}}, {"status", "region"});
  ASSERT_FALSE(typo.has_value());
  EXPECT_EQ(typo.error(), "unknown parameter `stauts` (expected: status, region)");

  const auto twice = QueryParams::parse({{"status", "critical"}, {"status", "healthy"}}, {"status"});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error(), "parameter `status` given more than once");
}

TEST(ParseApiTime, ReadsIso8601WithAZoneAndUnixSeconds) {
  EXPECT_EQ(parse_api_time("2026-01-01T00:00:00Z"), kNewYear);
  EXPECT_EQ(parse_api_time("2026-01-01T00:00:00.338Z"), kNewYear + 338ms);
  EXPECT_EQ(parse_api_time("2026-01-01T00:00:00.123456789Z"), kNewYear + 123456us);
  EXPECT_EQ(parse_api_time("2026-01-01T01:30:00+01:30"), kNewYear);
  EXPECT_EQ(parse_api_time("2025-12-31T19:00:00-05:00"), kNewYear);
  EXPECT_EQ(parse_api_time("1767225600"), kNewYear);
  EXPECT_EQ(parse_api_time("1767225600.5"), kNewYear + 500ms);
}

TEST(ParseApiTime, RefusesAmbiguousOrImpossibleTimes) {
  for (const char* bad : {"2026-01-01T00:00:00", "2026-02-30T00:00:00Z", "2026-01-01 00:00:00Z", "yesterday", "",
                          "-5", "1.2.3", "1767225600.", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+25:00",
                          "99999999999999999999"}) {
    const auto parsed = parse_api_time(bad);
    EXPECT_FALSE(parsed.has_value()) << bad;
  }
  EXPECT_EQ(parse_api_time("tomorrow").error(), "`tomorrow` is not a time (ISO 8601 with a zone, or Unix seconds)");
}

TEST(ParseApiDuration, TakesTheConfigurationsSpelling) {
  EXPECT_EQ(parse_api_duration("60s"), 60s);
  EXPECT_EQ(parse_api_duration("5m"), 5min);
  EXPECT_FALSE(parse_api_duration("60").has_value());
  EXPECT_FALSE(parse_api_duration("1.5m").has_value());
}

TEST(ParseCount, IsAWholeNumberInRange) {
  EXPECT_EQ(parse_count("20", 1000), 20u);
  EXPECT_EQ(parse_count("1000", 1000), 1000u);
  EXPECT_FALSE(parse_count("0", 1000).has_value());
  EXPECT_FALSE(parse_count("1001", 1000).has_value());
  EXPECT_FALSE(parse_count("ten", 1000).has_value());
  EXPECT_FALSE(parse_count("-1", 1000).has_value());
}

}  // namespace
}  // namespace rg
