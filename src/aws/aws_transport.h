#pragma once
// Sending one signed HttpRequest and getting its answer as a value, with libcurl.
//
//  - CurlTransport: asynchronous, on the event loop through CurlMulti. The AwsClient uses it.
//  - send_blocking / blocking_http_send: curl_easy_perform on the calling thread, for code that is
//    off the loop: RefreshingCredentials runs the credential chain (IMDS, container, STS) with it
//    on its worker thread, and one-shot CLI commands may use it. Never call it on the loop thread.
//
// Both send the request exactly as given: method, URL, headers (the signed ones untouched) and
// body. They add only what is not signed: Host when the request has none (host_header_value of
// the URL, which is what the signer signed), Content-Length, and the User-Agent, which never holds
// "region/" (moto takes a "region/xx-yyyy-n" in the User-Agent as the region to act in). curl's
// own defaults that botocore does not send are suppressed (Accept, Expect: 100-continue, a
// form Content-Type on POST). Redirects are not followed (AWS answers 301/307 with an error
// document). Connections may be reused but are never assumed to stay open: moto answers every
// request with "Connection: close", and curl opens a new one whenever the last was closed.
//
// Outcomes: any HTTP answer is a value, whatever its status (the client decides what an error is);
// no complete answer within the timeout is AwsErrorKind::timeout; a refused connection, a reset, a
// body cut short, DNS or TLS failure is AwsErrorKind::transport; an answer larger than
// max_response_bytes is bad_response.
#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <string>

#include "aws/credential_fetchers.h"
#include "aws/http_message.h"

namespace rg {
class CurlMulti;
}

namespace rg::aws {

inline constexpr std::string_view kUserAgent = "regionguard/0.1 (aws-client)";

struct TransportOptions {
  std::string user_agent = std::string(kUserAgent);  // must not contain "region/"
  std::chrono::milliseconds connect_timeout{5000};    // capped by each request's timeout
  bool verify_tls = true;
  std::string ca_file;                                 // empty: the system's CA store
  std::size_t max_response_bytes = 64u << 20;          // headers and body together
};

using TransportResult = std::expected<HttpResponse, AwsError>;
using TransportCallback = std::function<void(TransportResult)>;

class AwsTransport {
 public:
  virtual ~AwsTransport() = default;
  // Sends once. `timeout` bounds the whole exchange, connect to last byte. `done` runs on the event
  // loop, exactly once, never before send() returns, unless the transport is destroyed first.
  virtual void send(HttpRequest request, std::chrono::milliseconds timeout, TransportCallback done) = 0;
};

class CurlTransport final : public AwsTransport {
 public:
  explicit CurlTransport(CurlMulti& curl, TransportOptions options = {});
  void send(HttpRequest request, std::chrono::milliseconds timeout, TransportCallback done) override;
  const TransportOptions& options() const { return options_; }

 private:
  CurlMulti& curl_;
  TransportOptions options_;
};

// Blocking, on the calling thread (see the top of this file).
TransportResult send_blocking(const HttpRequest& request, std::chrono::milliseconds timeout,
                              const TransportOptions& options = {});

// fetch_credentials()' HttpSend over send_blocking. botocore gives the metadata services 1 s and
// STS its usual 60 s read timeout; one timeout covers all here, so take the longest you accept
// for STS (the default) and expect an unreachable IMDS to cost up to connect_timeout.
HttpSend blocking_http_send(std::chrono::milliseconds timeout = std::chrono::seconds(10), TransportOptions options = {});

}  // namespace rg::aws
