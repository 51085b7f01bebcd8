#pragma once
// AWS Signature Version 4 over plain request values: header signing (Authorization) and
// query-string presigning. Pure: the time is passed in, nothing is sent.
//
// Checked against botocore's SigV4Auth / S3SigV4Auth / SigV4QueryAuth / S3SigV4QueryAuth with
// golden cases in tests/data/sigv4/ (scripts/gen_sigv4_golden.py), and against AWS's published
// get-vanilla vector.
//
// The request URL must be as it goes on the wire: path and query percent-encoded once (use
// uri_encode(path, false) and encode_query). The signer then derives the canonical forms:
//  - path: every service except S3 normalises it (dot segments, repeated slashes) and encodes it
//    a second time; S3 takes it as it is;
//  - query: each key and value decoded and re-encoded by AWS's rules (so %c3%bc and %C3%BC sign
//    the same), sorted by encoded key, then value; repeated keys kept. '+' is a literal plus
//    (signed as %2B): write spaces as %20;
//  - headers: all headers of the request except hop-by-hop ones and User-Agent (botocore's list),
//    names lower-cased, values trimmed with inner runs of whitespace collapsed to one space,
//    repeated names joined with ','; Host is derived from the URL when the request has none.
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_credentials.h"
#include "aws/aws_error.h"
#include "aws/http_message.h"
#include "core/time.h"

namespace rg::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::chrono::seconds kMaxPresignExpiry{604800};  // 7 days, SigV4's limit

// standard: path normalised and double-encoded. s3: path single-encoded and not normalised, and
// the payload hash sent as x-amz-content-sha256.
enum class SignerKind { standard, s3 };
// s3 for "s3" (and S3's other signing names: s3-outposts, s3-object-lambda), standard otherwise.
SignerKind signer_kind_for(std::string_view signing_name);

enum class PayloadSigning {
  signed_payload,    // SHA-256 of the body in the canonical request
  unsigned_payload,  // "UNSIGNED-PAYLOAD" in the canonical request and in x-amz-content-sha256
};

struct SigningParams {
  AwsCredentials credentials;
  std::string region;   // signing region: "us-east-1" for Route 53, CloudFront, IAM
  std::string service;  // signing name: "monitoring" for CloudWatch, "elasticloadbalancing"
  TimePoint time;       // becomes X-Amz-Date
  std::optional<SignerKind> kind;  // default: signer_kind_for(service)
  PayloadSigning payload = PayloadSigning::signed_payload;
};

// Every intermediate product, so tests can say which stage broke.
struct SignedRequest {
  HttpRequest request;            // ready to send: headers added (header signing) or URL extended (presigning)
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;          // hex
  std::string signed_headers;     // "host;x-amz-date"
  std::string credential_scope;   // "20150830/us-east-1/service/aws4_request"
  std::string authorization;      // the Authorization header value; empty when presigning
};

// Header signing. Adds X-Amz-Date (replacing one already there), X-Amz-Security-Token when the
// credentials have a session token, X-Amz-Content-SHA256 for S3 (and for any service with
// unsigned_payload), and Authorization (replacing a stale one from an earlier attempt).
std::expected<SignedRequest, AwsError> sign_request(const HttpRequest& request, const SigningParams& params);

// Query-string presigning: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Security-Token (with a session token) and finally X-Amz-Signature
// to the URL; headers are signed but none are added. S3 signs UNSIGNED-PAYLOAD; other services
// the body's hash (as botocore). expires must be 1 s .. 7 days.
std::expected<SignedRequest, AwsError> presign_request(const HttpRequest& request, const SigningParams& params,
                                                       std::chrono::seconds expires);

// --- building blocks, exposed for tests ---------------------------------------------------

std::string canonical_uri(std::string_view wire_path, SignerKind kind);
std::string canonical_query_string(std::string_view wire_query);
// Trims and collapses runs of whitespace (space, tab, CR, LF, VT, FF) into one space.
std::string canonical_header_value(std::string_view value);
// RFC 3986 section 5.2.4 plus collapsing of empty segments, as botocore's remove_dot_segments.
std::string remove_dot_segments(std::string_view path);

std::expected<std::string, AwsError> sha256_hex(std::string_view data);
std::expected<std::string, AwsError> hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), raw bytes.
std::expected<std::string, AwsError> derive_signing_key(std::string_view secret_access_key, std::string_view scope_date,
                                                        std::string_view region, std::string_view service);
std::string to_hex(std::string_view bytes);

}  // namespace rg::aws
