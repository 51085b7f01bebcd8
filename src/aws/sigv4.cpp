#include "aws/sigv4.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <memory>

#include "aws/aws_time.h"

namespace rg::aws {
namespace {

// Headers botocore never signs (SIGNED_HEADERS_BLACKLIST): hop-by-hop headers a proxy or the HTTP
// client may rewrite, the User-Agent, and X-Amzn-Trace-Id which X-Ray adds in flight.
constexpr std::array<std::string_view, 11> kUnsignedHeaders{
    "connection", "expect",  "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailer",    "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"};

bool is_unsigned_header(std::string_view lower_name) {
  return std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), lower_name) != kUnsignedHeaders.end();
}

AwsError crypto_error(std::string_view what) {
  return make_error(AwsErrorKind::crypto, "OpenSSL failed to compute " + std::string(what));
}

// Fetched once: looking an algorithm up in the provider on every call costs more than the hash.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

std::string trim_ws(std::string_view s) {
  constexpr std::string_view kWs = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(kWs);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kWs);
  return std::string(s.substr(first, last - first + 1));
}

std::expected<void, AwsError> validate(const SigningParams& p) {
  auto bad = [](std::string message) { return std::unexpected(make_error(AwsErrorKind::invalid_argument, std::move(message))); };
  if (p.credentials.access_key_id.empty() || p.credentials.secret_access_key.empty()) {
    return bad("cannot sign: the credentials have no access key id or no secret access key");
  }
  auto scope_part_ok = [](std::string_view s) {
    return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
      return c == '/' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
  };
  if (!scope_part_ok(p.region)) return bad("cannot sign: bad signing region '" + p.region + "'");
  if (!scope_part_ok(p.service)) return bad("cannot sign: bad signing name '" + p.service + "'");
  if (!scope_part_ok(p.credentials.access_key_id)) return bad("cannot sign: the access key id contains '/' or whitespace");
  return {};
}

struct CanonicalHeaders {
  std::string block;   // "name:value\n" per header, sorted
  std::string names;   // "host;x-amz-date"
};

CanonicalHeaders canonical_headers(const HttpHeaders& headers, const Url& url) {
  std::vector<std::pair<std::string, std::string>> lowered;
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    std::string lname = to_lower(trim_ws(name));
    if (is_unsigned_header(lname)) continue;
    if (lname == "host") has_host = true;
    lowered.emplace_back(std::move(lname), canonical_header_value(value));
  }
  if (!has_host) lowered.emplace_back("host", host_header_value(url));
  std::stable_sort(lowered.begin(), lowered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  CanonicalHeaders out;
  for (std::size_t i = 0; i < lowered.size();) {
    const std::string& name = lowered[i].first;
    out.block += name;
    out.block += ':';
    for (std::size_t j = i; j < lowered.size() && lowered[j].first == name; ++j) {
      if (j != i) out.block += ',';
      out.block += lowered[j].second;
    }
    out.block += '\n';
    if (!out.names.empty()) out.names += ';';
    out.names += name;
    while (i < lowered.size() && lowered[i].first == name) ++i;
  }
  return out;
}

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string signed_headers;
  std::string scope;
};

// The shared core: canonical request -> string to sign -> signature.
std::expected<Signature, AwsError> compute(const HttpRequest& request, const Url& url, std::string_view query,
                                           const SigningParams& params, SignerKind kind, std::string_view payload_hash) {
  Signature out;
  const std::string amz_date = format_amz_date(params.time);
  const std::string scope_date = amz_date.substr(0, 8);
  out.scope = scope_date + "/" + params.region + "/" + params.service + "/aws4_request";

  const CanonicalHeaders headers = canonical_headers(request.headers, url);
  out.signed_headers = headers.names;
  std::string method = request.method;
  std::transform(method.begin(), method.end(), method.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; });
  out.canonical_request = method + "\n" + canonical_uri(url.path, kind) + "\n" + canonical_query_string(query) +
                          "\n" + headers.block + "\n" + headers.names + "\n" + std::string(payload_hash);

  auto creq_hash = sha256_hex(out.canonical_request);
  if (!creq_hash) return std::unexpected(creq_hash.error());
  out.string_to_sign = std::string(kSigV4Algorithm) + "\n" + amz_date + "\n" + out.scope + "\n" + *creq_hash;

  auto key = derive_signing_key(params.credentials.secret_access_key, scope_date, params.region, params.service);
  if (!key) return std::unexpected(key.error());
  auto mac = hmac_sha256(*key, out.string_to_sign);
  if (!mac) return std::unexpected(mac.error());
  out.signature = to_hex(*mac);
  return out;
}

}  // namespace

SignerKind signer_kind_for(std::string_view signing_name) {
  return (signing_name == "s3" || signing_name == "s3-outposts" || signing_name == "s3-object-lambda")
             ? SignerKind::s3
             : SignerKind::standard;
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string remove_dot_segments(std::string_view path) {
  if (path.empty()) return {};
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string_view segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!segment.empty() && segment != ".") {
      out.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i != 0) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

std::string canonical_uri(std::string_view wire_path, SignerKind kind) {
  if (kind == SignerKind::s3) return wire_path.empty() ? std::string("/") : std::string(wire_path);
  const std::string normalised = wire_path.empty() ? std::string("/") : remove_dot_segments(wire_path);
  return uri_encode(normalised.empty() ? std::string_view("/") : std::string_view(normalised), /*encode_slash=*/false);
}

std::string canonical_query_string(std::string_view wire_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= wire_query.size()) {
    const auto amp = wire_query.find('&', start);
    const std::string_view item =
        wire_query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!item.empty()) {
      const auto eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      pairs.emplace_back(uri_encode(uri_decode(key)), uri_encode(uri_decode(value)));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
  return out;
}

std::expected<std::string, AwsError> sha256_hex(std::string_view data) {
  const EVP_MD* md = sha256_md();
  if (md == nullptr) return std::unexpected(crypto_error("SHA-256 (algorithm unavailable)"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr) != 1) {
    return std::unexpected(crypto_error("SHA-256"));
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::expected<std::string, AwsError> hmac_sha256(std::string_view key, std::string_view data) {
  EVP_MAC* mac = hmac_mac();
  if (mac == nullptr) return std::unexpected(crypto_error("HMAC (algorithm unavailable)"));
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac), &EVP_MAC_CTX_free);
  if (!ctx) return std::unexpected(crypto_error("HMAC-SHA256"));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                               OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &length, sizeof out) != 1) {
    return std::unexpected(crypto_error("HMAC-SHA256"));
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::expected<std::string, AwsError> derive_signing_key(std::string_view secret_access_key, std::string_view scope_date,
                                                        std::string_view region, std::string_view service) {
  auto k_date = hmac_sha256("AWS4" + std::string(secret_access_key), scope_date);
  if (!k_date) return k_date;
  auto k_region = hmac_sha256(*k_date, region);
  if (!k_region) return k_region;
  auto k_service = hmac_sha256(*k_region, service);
  if (!k_service) return k_service;
  return hmac_sha256(*k_service, "aws4_request");
}

std::expected<SignedRequest, AwsError> sign_request(const HttpRequest& request, const SigningParams& params) {
  if (auto ok = validate(params); !ok) return std::unexpected(ok.error());
  auto url = parse_url(request.url);
  if (!url) return std::unexpected(url.error());
  const SignerKind kind = params.kind.value_or(signer_kind_for(params.service));

  SignedRequest out;
  out.request = request;
  HttpHeaders& headers = out.request.headers;
  remove_header(headers, "Authorization");  // left over from an earlier attempt
  set_header(headers, "X-Amz-Date", format_amz_date(params.time));
  if (params.credentials.session_token) set_header(headers, "X-Amz-Security-Token", *params.credentials.session_token);

  std::string payload_hash;
  if (params.payload == PayloadSigning::unsigned_payload) {
    payload_hash = kUnsignedPayload;
  } else if (auto given = find_header(headers, "X-Amz-Content-SHA256"); given && kind == SignerKind::standard) {
    payload_hash = std::string(*given);  // the caller computed it (botocore honours it too)
  } else {
    auto hash = sha256_hex(request.body);
    if (!hash) return std::unexpected(hash.error());
    payload_hash = std::move(*hash);
  }
  if (kind == SignerKind::s3 || params.payload == PayloadSigning::unsigned_payload) {
    set_header(headers, "X-Amz-Content-SHA256", payload_hash);
  }

  auto sig = compute(out.request, *url, url->query, params, kind, payload_hash);
  if (!sig) return std::unexpected(sig.error());
  out.canonical_request = std::move(sig->canonical_request);
  out.string_to_sign = std::move(sig->string_to_sign);
  out.signature = std::move(sig->signature);
  out.signed_headers = std::move(sig->signed_headers);
  out.credential_scope = std::move(sig->scope);
  out.authorization = std::string(kSigV4Algorithm) + " Credential=" + params.credentials.access_key_id + "/" +
                      out.credential_scope + ", SignedHeaders=" + out.signed_headers + ", Signature=" + out.signature;
  headers.emplace_back("Authorization", out.authorization);
  return out;
}

std::expected<SignedRequest, AwsError> presign_request(const HttpRequest& request, const SigningParams& params,
                                                       std::chrono::seconds expires) {
  if (auto ok = validate(params); !ok) return std::unexpected(ok.error());
  if (expires < std::chrono::seconds{1} || expires > kMaxPresignExpiry) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument,
                                      "presigned URLs expire after 1 s to 7 days, not " +
                                          std::to_string(expires.count()) + " s"));
  }
  auto url = parse_url(request.url);
  if (!url) return std::unexpected(url.error());
  const SignerKind kind = params.kind.value_or(signer_kind_for(params.service));

  std::string payload_hash;
  if (kind == SignerKind::s3 || params.payload == PayloadSigning::unsigned_payload) {
    payload_hash = kUnsignedPayload;  // the payload of a presigned request is not known when signing
  } else if (auto given = find_header(request.headers, "X-Amz-Content-SHA256")) {
    payload_hash = std::string(*given);
  } else {
    auto hash = sha256_hex(request.body);
    if (!hash) return std::unexpected(hash.error());
    payload_hash = std::move(*hash);
  }

  const std::string amz_date = format_amz_date(params.time);
  const std::string scope = amz_date.substr(0, 8) + "/" + params.region + "/" + params.service + "/aws4_request";
  QueryParams auth{{"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
                   {"X-Amz-Credential", params.credentials.access_key_id + "/" + scope},
                   {"X-Amz-Date", amz_date},
                   {"X-Amz-Expires", std::to_string(expires.count())},
                   {"X-Amz-SignedHeaders", canonical_headers(request.headers, *url).names}};
  if (params.credentials.session_token) auth.emplace_back("X-Amz-Security-Token", *params.credentials.session_token);
  const std::string auth_query = encode_query(auth);
  const std::string query = url->query.empty() ? auth_query : url->query + "&" + auth_query;

  auto sig = compute(request, *url, query, params, kind, payload_hash);
  if (!sig) return std::unexpected(sig.error());

  SignedRequest out;
  out.request = request;
  std::string base = request.url.substr(0, request.url.find('#'));
  if (const auto q = base.find('?'); q != std::string::npos) base.resize(q);
  out.request.url = base + "?" + query + "&X-Amz-Signature=" + sig->signature;
  out.canonical_request = std::move(sig->canonical_request);
  out.string_to_sign = std::move(sig->string_to_sign);
  out.signature = std::move(sig->signature);
  out.signed_headers = std::move(sig->signed_headers);
  out.credential_scope = std::move(sig->scope);
  return out;
}

}  // namespace rg::aws
