#pragma once

// An HTTP/1.1 proxy on 127.0.0.1 in front of moto_server that makes AWS fail the ways it does:
// throttling, a region that answers 503, answers too slow for the deadline, an HTML error page,
// a body cut short. The AWS client is pointed at the proxy (as its endpoint URL); the proxy
// relays everything else to moto unchanged, one connection per request (as moto: it answers
// with "Connection: close").
//
// Requests are matched on what moto routes on: the SigV4 credential scope of the Authorization
// header (service and region), plus the operation (X-Amz-Target's "Service.Operation", the
// Action= of a Query form body, or, for REST, a substring of the path). Faults come in the wire
// shape of the request's protocol, so the client reads them as AWS would send them:
//   JSON (X-Amz-Target)      400 {"__type":"ThrottlingException","message":"Rate exceeded"}
//                            (CloudWatch also gets x-amzn-query-error: Throttling;Sender)
//   EC2                      503 <Response><Errors><Error><Code>RequestLimitExceeded</Code>...
//   S3                       503 <Error><Code>SlowDown</Code>...
//   Query, REST-XML          400 <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>...
// It runs its own io_context on its own thread; rules may be changed from any thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace rg::test {

enum class HttpFault {
  throttle,             // the protocol's throttling error (above)
  service_unavailable,  // 503 with the protocol's ServiceUnavailable error
  delay,                // relay the answer, but only after `delay`
  html_500,             // 500 text/html: an error page, not an AWS error document
  truncate_body,        // relay with the body cut in half and a Content-Length that says so
  cut_body,             // relay the headers (full Content-Length) and half the body, then close
};
std::string_view to_string(HttpFault fault);

struct FaultRule {
  HttpFault fault = HttpFault::throttle;
  std::string service{};    // SigV4 signing name ("monitoring", "route53"); empty: any
  std::string region{};     // SigV4 scope region; empty: any
  std::string operation{};  // "PutMetricData", "DescribeAlarms", "/rrset"; empty: any
  int times = -1;           // how many matching requests get the fault; -1: every one
  std::chrono::milliseconds delay{};  // for HttpFault::delay
};

// The credential scope of "AWS4-HMAC-SHA256 Credential=AK/20261121/us-east-1/monitoring/aws4_request, ...".
struct SigV4Scope {
  std::string access_key{};
  std::string date{};
  std::string region{};
  std::string service{};
};
std::optional<SigV4Scope> parse_credential_scope(std::string_view authorization);

// One request as the proxy saw it.
struct ProxiedRequest {
  std::string method{};
  std::string target{};
  std::string service{};    // from the credential scope; "" when unsigned
  std::string region{};
  std::string operation{};  // X-Amz-Target's operation, Action=, or "METHOD /path"
  std::string user_agent{};
  std::string host{};
  std::optional<HttpFault> fault{};  // the fault it got, if any
};

class HttpFaultProxy {
 public:
  HttpFaultProxy(std::string upstream_address, std::uint16_t upstream_port);
  ~HttpFaultProxy();  // stops the thread; requests in flight get no answer

  HttpFaultProxy(const HttpFaultProxy&) = delete;
  HttpFaultProxy& operator=(const HttpFaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint() const;  // "http://127.0.0.1:PORT"

  // Rules are tried in the order added; the first that matches and has uses left applies.
  void add_rule(FaultRule rule);
  void clear_rules();

  std::vector<ProxiedRequest> requests() const;
  // Requests seen for that service (and region, and operation, when not empty).
  std::size_t count(std::string_view service, std::string_view region = {}, std::string_view operation = {}) const;
  void clear_log();

 private:
  struct Rule {
    FaultRule spec;
    int used = 0;
  };

  std::optional<FaultRule> match(const ProxiedRequest& request);
  void record(ProxiedRequest request);
  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);

  std::string upstream_address_;
  std::uint16_t upstream_port_;

  mutable std::mutex mutex_;  // guards rules_ and log_
  std::vector<Rule> rules_;
  std::vector<ProxiedRequest> log_;

  boost::asio::io_context io_{1};  // before the sockets: destroyed after them
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;  // last: starts when everything it uses exists
};

}  // namespace rg::test
