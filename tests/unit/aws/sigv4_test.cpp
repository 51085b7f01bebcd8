// SigV4 against golden cases produced by botocore (scripts/gen_sigv4_golden.py) and AWS's
// published get-vanilla vector. Each case checks the canonical request, the string to sign and the
// signature separately, so a failure names the stage that broke; then the header or URL that
// goes on the wire.
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/aws_time.h"

namespace rg::aws {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path golden_dir() { return fs::path(RG_SOURCE_DIR) / "tests" / "data" / "sigv4"; }

std::vector<fs::path> golden_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() == ".json" && entry.path().stem() != "endpoints") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

json load(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

struct Case {
  json doc;
  HttpRequest request;
  SigningParams params;
  std::string signer;
  std::chrono::seconds expires{0};
};

Case make_case(const fs::path& path) {
  Case c;
  c.doc = load(path);
  const json& in = c.doc.at("input");
  c.signer = in.at("signer").get<std::string>();
  c.request.method = in.at("method").get<std::string>();
  c.request.url = in.at("url").get<std::string>();
  c.request.body = in.at("body").get<std::string>();
  for (const auto& h : in.at("headers")) c.request.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  const json& creds = in.at("credentials");
  c.params.credentials.access_key_id = creds.at("access_key_id").get<std::string>();
  c.params.credentials.secret_access_key = creds.at("secret_access_key").get<std::string>();
  if (creds.contains("session_token")) c.params.credentials.session_token = creds.at("session_token").get<std::string>();
  c.params.region = in.at("region").get<std::string>();
  c.params.service = in.at("service").get<std::string>();
  c.params.time = parse_amz_date(in.at("timestamp").get<std::string>()).value();
  c.params.kind = (c.signer == "s3" || c.signer == "s3-presign") ? SignerKind::s3 : SignerKind::standard;
  if (in.value("unsigned_payload", false)) c.params.payload = PayloadSigning::unsigned_payload;
  if (in.contains("expires")) c.expires = std::chrono::seconds{in.at("expires").get<int>()};
  return c;
}

class SigV4Golden : public ::testing::TestWithParam<fs::path> {};

TEST_P(SigV4Golden, MatchesBotocoreStageByStage) {
  const Case c = make_case(GetParam());
  const json& want = c.doc.at("expected");
  SCOPED_TRACE(c.doc.at("description").get<std::string>());

  const bool presign = c.signer == "presign" || c.signer == "s3-presign";
  const auto signed_request = presign ? presign_request(c.request, c.params, c.expires) : sign_request(c.request, c.params);
  ASSERT_TRUE(signed_request.has_value()) << signed_request.error().to_string();

  EXPECT_EQ(signed_request->canonical_request, want.at("canonical_request").get<std::string>()) << "canonical request";
  EXPECT_EQ(signed_request->string_to_sign, want.at("string_to_sign").get<std::string>()) << "string to sign";
  EXPECT_EQ(signed_request->signature, want.at("signature").get<std::string>()) << "signature";

  if (presign) {
    EXPECT_EQ(signed_request->request.url, want.at("presigned_url").get<std::string>()) << "presigned URL";
    EXPECT_TRUE(signed_request->authorization.empty());
  } else {
    EXPECT_EQ(signed_request->authorization, want.at("authorization").get<std::string>()) << "Authorization";
  }

  // The request that goes on the wire carries exactly the headers botocore's did (same names,
  // same values; the generator records them after signing).
  if (want.contains("signed_headers")) {
    HttpHeaders expected_headers;
    for (const auto& h : want.at("signed_headers")) expected_headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    auto lowered = [](HttpHeaders headers) {
      for (auto& h : headers) h.first = to_lower(h.first);
      std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      return headers;
    };
    EXPECT_EQ(lowered(signed_request->request.headers), lowered(expected_headers)) << "headers of the signed request";
  }
}

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, SigV4Golden, ::testing::ValuesIn(golden_files()), case_name);

// An empty or misplaced data directory must not pass as "all cases green".
TEST(SigV4GoldenFiles, AreAllThere) {
  const auto files = golden_files();
  EXPECT_GE(files.size(), 20u) << "golden cases in " << golden_dir();
  const std::vector<std::string> required{
      "aws-get-vanilla",        "get-query",           "post-json-dynamodb", "post-route53-rrset",
      "path-double-encoding",   "s3-path-single-encoding", "query-spaces-unicode-repeated",
      "repeated-headers",       "header-whitespace",   "post-empty-body",    "get-session-token",
      "presign-get",            "s3-presign-get",      "s3-put-unsigned-payload"};
  for (const auto& name : required) {
    EXPECT_TRUE(fs::exists(golden_dir() / (name + ".json"))) << name;
  }
}

// --- building blocks ------------------------------------------------------------------------

TEST(SigV4, DerivesTheSigningKeyOfAwsDocumentation) {
  // The example of "Derive a signing key for SigV4" (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
  // 20120215/us-east-1/iam).
  const auto key = derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(to_hex(*key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4, HashesTheEmptyBodyToTheWellKnownConstant) {
  EXPECT_EQ(sha256_hex("").value(), kEmptyPayloadSha256);
}

TEST(SigV4, CanonicalUriDoubleEncodesExceptForS3) {
  EXPECT_EQ(canonical_uri("/foo%20bar", SignerKind::standard), "/foo%2520bar");
  EXPECT_EQ(canonical_uri("/foo%20bar", SignerKind::s3), "/foo%20bar");
  EXPECT_EQ(canonical_uri("", SignerKind::standard), "/");
  EXPECT_EQ(canonical_uri("", SignerKind::s3), "/");
  EXPECT_EQ(canonical_uri("/a/b/../../..", SignerKind::standard), "/");
  EXPECT_EQ(canonical_uri("/a/./b/../c//d/", SignerKind::s3), "/a/./b/../c//d/");
}

TEST(SigV4, RemovesDotSegmentsLikeBotocore) {
  EXPECT_EQ(remove_dot_segments("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(remove_dot_segments("/.."), "/");
  EXPECT_EQ(remove_dot_segments("//"), "/");  // no segments left: no trailing slash doubled
  EXPECT_EQ(remove_dot_segments("/a/b"), "/a/b");
}

TEST(SigV4, CanonicalQueryNormalisesEncodingAndSortsByKeyThenValue) {
  EXPECT_EQ(canonical_query_string("b=2&a=z&a=A&a=%c3%bc"), "a=%C3%BC&a=A&a=z&b=2");
  // A value-less key signs as "key=", and an empty item ("&&") is dropped.
  EXPECT_EQ(canonical_query_string("acl&&versioning="), "acl=&versioning=");
  // Characters left raw by a sloppy encoder are encoded; '+' is a literal plus.
  EXPECT_EQ(canonical_query_string("q=a b+c*"), "q=a%20b%2Bc%2A");
  EXPECT_EQ(canonical_query_string(""), "");
}

TEST(SigV4, CanonicalHeaderValueTrimsAndCollapses) {
  EXPECT_EQ(canonical_header_value("  a   b \t c  "), "a b c");
  EXPECT_EQ(canonical_header_value("\"a   b\""), "\"a b\"");
  EXPECT_EQ(canonical_header_value("   "), "");
}

TEST(SigV4, ResignsAnEarlierAttemptCleanly) {
  HttpRequest request{"GET", "https://example.amazonaws.com/", {}, ""};
  SigningParams params{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}, {}, {}},
                       "us-east-1", "service", parse_amz_date("20150830T123600Z").value(), {}, {}};
  const auto first = sign_request(request, params).value();
  // A retry signs the already-signed request again: the old Authorization and X-Amz-Date go.
  const auto second = sign_request(first.request, params).value();
  EXPECT_EQ(second.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(second.request.headers.size(), 2u);  // X-Amz-Date, Authorization
}

TEST(SigV4, UnsignedPayloadForAnyServiceAddsTheHeader) {
  HttpRequest request{"PUT", "https://example.amazonaws.com/x", {}, "body"};
  SigningParams params{{"AK", "SK", {}, {}, {}}, "us-east-1", "service", parse_amz_date("20261121T070505Z").value(), {},
                       PayloadSigning::unsigned_payload};
  const auto s = sign_request(request, params).value();
  EXPECT_EQ(find_header(s.request.headers, "x-amz-content-sha256"), kUnsignedPayload);
  EXPECT_TRUE(s.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  EXPECT_NE(s.signed_headers.find("x-amz-content-sha256"), std::string::npos);
}

TEST(SigV4, RefusesWhatCannotBeSigned) {
  const TimePoint t = parse_amz_date("20261121T070505Z").value();
  HttpRequest request{"GET", "https://example.amazonaws.com/", {}, ""};
  EXPECT_EQ(sign_request(request, {{"", "SK", {}, {}, {}}, "us-east-1", "s", t, {}, {}}).error().kind,
            AwsErrorKind::invalid_argument);
  EXPECT_EQ(sign_request(request, {{"AK", "SK", {}, {}, {}}, "", "s", t, {}, {}}).error().kind,
            AwsErrorKind::invalid_argument);
  EXPECT_EQ(sign_request(request, {{"AK", "SK", {}, {}, {}}, "us/east", "s", t, {}, {}}).error().kind,
            AwsErrorKind::invalid_argument);
  HttpRequest bad_url{"GET", "example.amazonaws.com/", {}, ""};
  EXPECT_EQ(sign_request(bad_url, {{"AK", "SK", {}, {}, {}}, "us-east-1", "s", t, {}, {}}).error().kind,
            AwsErrorKind::invalid_argument);
  EXPECT_FALSE(presign_request(request, {{"AK", "SK", {}, {}, {}}, "us-east-1", "s", t, {}, {}}, std::chrono::seconds{0}));
  EXPECT_FALSE(presign_request(request, {{"AK", "SK", {}, {}, {}}, "us-east-1", "s", t, {}, {}},
                               kMaxPresignExpiry + std::chrono::seconds{1}));
}

}  // namespace
}  // namespace rg::aws
