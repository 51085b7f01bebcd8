#include "support/http_fault_proxy.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace rg::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

using namespace std::chrono_literals;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t body_limit = 64u << 20;
constexpr auto io_timeout = 60s;

void report_exception(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "HttpFaultProxy: %s\n", e.what());
  }
}

// What a request's protocol makes its errors look like.
enum class Shape { json, ec2, s3, xml };

Shape shape_of(const http::request<http::string_body>& request, std::string_view service) {
  if (request.find("X-Amz-Target") != request.end()) return Shape::json;
  if (service == "ec2") return Shape::ec2;
  if (service == "s3") return Shape::s3;
  return Shape::xml;
}

std::string form_value(std::string_view body, std::string_view key) {
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key && eq != std::string_view::npos) return std::string(pair.substr(eq + 1));
  }
  return {};
}

std::string operation_of(const http::request<http::string_body>& request) {
  if (auto target = request.find("X-Amz-Target"); target != request.end()) {
    const std::string_view value = target->value();
    const auto dot = value.rfind('.');
    return std::string(dot == std::string_view::npos ? value : value.substr(dot + 1));
  }
  if (std::string action = form_value(request.body(), "Action"); !action.empty()) return action;
  const std::string_view target = request.target();
  return std::string(request.method_string()) + " " + std::string(target.substr(0, target.find('?')));
}

struct Canned {
  unsigned status = 200;
  std::string content_type{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
};

std::string xml_error(std::string_view type, std::string_view code, std::string_view message) {
  return fmt::format(
      "<ErrorResponse xmlns=\"https://aws.example/doc/\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message>"
      "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>",
      type, code, message);
}

std::string ec2_error(std::string_view code, std::string_view message) {
  return fmt::format("<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors>"
                     "<RequestID>fault-proxy</RequestID></Response>",
                     code, message);
}

std::string s3_error(std::string_view code, std::string_view message) {
  return fmt::format("<Error><Code>{}</Code><Message>{}</Message><RequestId>fault-proxy</RequestId></Error>", code,
                     message);
}

Canned throttle(Shape shape, std::string_view service) {
  switch (shape) {
    case Shape::json: {
      Canned c{400, "application/x-amz-json-1.1", {{"x-amzn-RequestId", "fault-proxy"}},
               R"({"__type":"ThrottlingException","message":"Rate exceeded"})"};
      if (service == "monitoring") c.headers.emplace_back("x-amzn-query-error", "Throttling;Sender");
      return c;
    }
    case Shape::ec2: return {503, "text/xml", {}, ec2_error("RequestLimitExceeded", "Request limit exceeded.")};
    case Shape::s3: return {503, "application/xml", {}, s3_error("SlowDown", "Please reduce your request rate.")};
    case Shape::xml: return {400, "text/xml", {}, xml_error("Sender", "Throttling", "Rate exceeded")};
  }
  return {};
}

Canned unavailable(Shape shape) {
  switch (shape) {
    case Shape::json:
      return {503, "application/x-amz-json-1.1", {{"x-amzn-RequestId", "fault-proxy"}},
              R"({"__type":"ServiceUnavailableException","message":"Service is unavailable in this region"})"};
    case Shape::ec2: return {503, "text/xml", {}, ec2_error("Unavailable", "The server is overloaded.")};
    case Shape::s3: return {503, "application/xml", {}, s3_error("ServiceUnavailable", "Service is unable to handle request.")};
    case Shape::xml: return {503, "text/xml", {}, xml_error("Receiver", "ServiceUnavailable", "Service is unavailable")};
  }
  return {};
}

Canned html_page() {
  return {500, "text/html; charset=utf-8", {},
          "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n"
          "<p>The server encountered an internal error and was unable to complete your request.</p>\n"};
}

std::string reason_of(unsigned status) {
  const std::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  return reason.empty() ? std::string("Unknown") : std::string(reason);
}

std::string raw_response(const Canned& c) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", c.status, reason_of(c.status));
  out += "Server: rg-http-fault-proxy\r\n";
  if (!c.content_type.empty()) out += "Content-Type: " + c.content_type + "\r\n";
  for (const auto& [name, value] : c.headers) out += name + ": " + value + "\r\n";
  out += fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n", c.body.size());
  out += c.body;
  return out;
}

// The upstream answer's header block with the given Content-Length, ready to be followed by a body.
std::string raw_head(const http::response<http::string_body>& response, std::size_t content_length) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", response.result_int(), reason_of(response.result_int()));
  for (const auto& field : response) {
    const auto name = field.name();
    if (name == http::field::content_length || name == http::field::transfer_encoding || name == http::field::connection) {
      continue;
    }
    out += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
  }
  out += fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n", content_length);
  return out;
}

// Relays one request to moto; nullopt when moto cannot be reached or answers garbage.
asio::awaitable<std::optional<http::response<http::string_body>>> relay(http::request<http::string_body> request,
                                                                       const std::string& address, std::uint16_t port) {
  beast::tcp_stream upstream(co_await asio::this_coro::executor);
  upstream.expires_after(io_timeout);
  auto [connect_ec] = co_await upstream.async_connect(tcp::endpoint(asio::ip::make_address(address), port), nothrow);
  if (connect_ec) co_return std::nullopt;
  request.keep_alive(false);
  auto [write_ec, written] = co_await http::async_write(upstream, request, nothrow);
  if (write_ec) co_return std::nullopt;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  auto [read_ec, read] = co_await http::async_read(upstream, buffer, parser, nothrow);
  if (read_ec) co_return std::nullopt;
  beast::error_code ignored;
  upstream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return parser.release();
}

}  // namespace

std::string_view to_string(HttpFault fault) {
  switch (fault) {
    case HttpFault::throttle: return "throttle";
    case HttpFault::service_unavailable: return "service_unavailable";
    case HttpFault::delay: return "delay";
    case HttpFault::html_500: return "html_500";
    case HttpFault::truncate_body: return "truncate_body";
    case HttpFault::cut_body: return "cut_body";
  }
  return "unknown";
}

std::optional<SigV4Scope> parse_credential_scope(std::string_view authorization) {
  const auto start = authorization.find("Credential=");
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view credential = authorization.substr(start + 11);
  credential = credential.substr(0, credential.find_first_of(", "));
  std::vector<std::string> parts;
  while (true) {
    const auto slash = credential.find('/');
    parts.emplace_back(credential.substr(0, slash));
    if (slash == std::string_view::npos) break;
    credential.remove_prefix(slash + 1);
  }
  if (parts.size() != 5 || parts[4] != "aws4_request") return std::nullopt;
  return SigV4Scope{parts[0], parts[1], parts[2], parts[3]};
}

HttpFaultProxy::HttpFaultProxy(std::string upstream_address, std::uint16_t upstream_port)
    : upstream_address_(std::move(upstream_address)), upstream_port_(upstream_port), acceptor_(io_) {
  acceptor_.open(tcp::v4());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind({asio::ip::address_v4::loopback(), 0});
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, serve(), report_exception);
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& error) {
        std::fprintf(stderr, "HttpFaultProxy: %s\n", error.what());
      }
    }
  });
}

HttpFaultProxy::~HttpFaultProxy() {
  io_.stop();
  thread_.join();
}

std::string HttpFaultProxy::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

void HttpFaultProxy::add_rule(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back(Rule{std::move(rule), 0});
}

void HttpFaultProxy::clear_rules() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::vector<ProxiedRequest> HttpFaultProxy::requests() const {
  std::lock_guard lock(mutex_);
  return log_;
}

std::size_t HttpFaultProxy::count(std::string_view service, std::string_view region, std::string_view operation) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : log_) {
    if (r.service == service && (region.empty() || r.region == region) && (operation.empty() || r.operation == operation)) ++n;
  }
  return n;
}

void HttpFaultProxy::clear_log() {
  std::lock_guard lock(mutex_);
  log_.clear();
}

std::optional<FaultRule> HttpFaultProxy::match(const ProxiedRequest& request) {
  std::lock_guard lock(mutex_);
  for (Rule& rule : rules_) {
    const FaultRule& spec = rule.spec;
    if (!spec.service.empty() && spec.service != request.service) continue;
    if (!spec.region.empty() && spec.region != request.region) continue;
    if (!spec.operation.empty() && spec.operation != request.operation &&
        request.target.find(spec.operation) == std::string::npos) {
      continue;
    }
    if (spec.times >= 0 && rule.used >= spec.times) continue;
    ++rule.used;
    return spec;
  }
  return std::nullopt;
}

void HttpFaultProxy::record(ProxiedRequest request) {
  std::lock_guard lock(mutex_);
  log_.push_back(std::move(request));
}

asio::awaitable<void> HttpFaultProxy::serve() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    asio::co_spawn(io_, serve_connection(std::move(socket)), report_exception);
  }
}

asio::awaitable<void> HttpFaultProxy::serve_connection(tcp::socket socket) {
  beast::tcp_stream client(std::move(socket));
  client.expires_after(io_timeout);
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  auto [read_ec, read] = co_await http::async_read(client, buffer, parser, nothrow);
  if (read_ec) co_return;
  http::request<http::string_body> request = parser.release();

  ProxiedRequest seen;
  seen.method = std::string(request.method_string());
  seen.target = std::string(request.target());
  if (auto auth = request.find(http::field::authorization); auth != request.end()) {
    if (auto scope = parse_credential_scope(auth->value())) {
      seen.service = scope->service;
      seen.region = scope->region;
    }
  }
  seen.operation = operation_of(request);
  if (auto ua = request.find(http::field::user_agent); ua != request.end()) seen.user_agent = std::string(ua->value());
  if (auto host = request.find(http::field::host); host != request.end()) seen.host = std::string(host->value());
  const std::optional<FaultRule> fault = match(seen);
  if (fault) seen.fault = fault->fault;
  const Shape shape = shape_of(request, seen.service);
  record(seen);

  auto send_raw = [&client](std::string bytes) -> asio::awaitable<void> {
    client.expires_after(io_timeout);
    co_await asio::async_write(client, asio::buffer(bytes), nothrow);
    beast::error_code ignored;
    client.socket().shutdown(tcp::socket::shutdown_both, ignored);
  };

  if (fault && fault->fault == HttpFault::throttle) {
    co_await send_raw(raw_response(throttle(shape, seen.service)));
    co_return;
  }
  if (fault && fault->fault == HttpFault::service_unavailable) {
    co_await send_raw(raw_response(unavailable(shape)));
    co_return;
  }
  if (fault && fault->fault == HttpFault::html_500) {
    co_await send_raw(raw_response(html_page()));
    co_return;
  }
  if (fault && fault->fault == HttpFault::delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, fault->delay);
    co_await timer.async_wait(nothrow);
  }

  auto answer = co_await relay(std::move(request), upstream_address_, upstream_port_);
  if (!answer) {
    co_await send_raw(raw_response(Canned{502, "text/plain", {}, "fault proxy: moto did not answer\n"}));
    co_return;
  }
  std::string body = std::move(answer->body());
  if (fault && fault->fault == HttpFault::truncate_body) {
    body.resize(body.size() / 2);
    co_await send_raw(raw_head(*answer, body.size()) + body);
    co_return;
  }
  if (fault && fault->fault == HttpFault::cut_body) {
    const std::size_t full = body.size();
    body.resize(full / 2);
    co_await send_raw(raw_head(*answer, full) + body);  // then the connection closes: the rest never comes
    co_return;
  }
  co_await send_raw(raw_head(*answer, body.size()) + body);
}

}  // namespace rg::test
