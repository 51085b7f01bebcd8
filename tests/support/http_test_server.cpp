#include "support/http_test_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <exception>
#include <stdexcept>

namespace rg::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

using namespace std::chrono_literals;

// Expected I/O outcomes (a client that hangs up, a failed handshake) come back as values.
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

constexpr auto handshake_timeout = 10s;
constexpr auto idle_timeout = 60s;  // between requests on a kept-alive connection
constexpr auto write_timeout = 10s;
constexpr auto tls_shutdown_timeout = 1s;
constexpr std::uint64_t max_body_size = 1 << 20;
constexpr auto default_delay = 1000ms;
constexpr auto max_delay = 600000ms;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What a route answers.
struct Reply {
  unsigned status = 200;
  std::string body{};
  std::string content_type = "text/plain";
  std::vector<std::pair<http::field, std::string>> fields{};
  std::chrono::milliseconds header_delay{};  // before anything is sent
  std::chrono::milliseconds body_delay{};    // between the headers and the body
  bool reset = false;                        // no response: close with RST
};

Reply text_reply(unsigned status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string echo_json(const RecordedRequest& request) {
  // Header names in lower case, repeated fields joined, in the order they first came.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    const std::string key = lower(name);
    auto it = std::ranges::find(headers, key, &std::pair<std::string, std::string>::first);
    if (it == headers.end()) {
      headers.emplace_back(key, value);
    } else {
      it->second += ", " + value;
    }
  }
  std::string out = fmt::format(R"({{"method":{},"target":{},"version":"{}.{}","headers":{{)",
                                json_string(request.method), json_string(request.target), request.version / 10,
                                request.version % 10);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    out += fmt::format("{}{}:{}", i == 0 ? "" : ",", json_string(headers[i].first), json_string(headers[i].second));
  }
  out += fmt::format(R"(}},"body":{}}})", json_string(request.body));
  return out;
}

// The value of `name` in a query string "a=1&ms=300", if present.
std::optional<std::string_view> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// The ?ms=N of the slow routes.
std::optional<std::chrono::milliseconds> delay_parameter(std::string_view target) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) {
    return default_delay;
  }
  const auto text = query_parameter(target.substr(question + 1), "ms");
  if (!text) {
    return default_delay;
  }
  const auto ms = parse_number<std::int64_t>(*text);
  if (!ms || *ms < 0 || std::chrono::milliseconds(*ms) > max_delay) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(*ms);
}

Reply status_reply(std::string_view code_text) {
  const auto code = parse_number<unsigned>(code_text);
  if (!code || *code < 200 || *code > 599) {
    return text_reply(400, "status must be 200..599\n");
  }
  // 204 and 304 never carry a body.
  return text_reply(*code, *code == 204 || *code == 304 ? "" : fmt::format("status {}\n", *code));
}

Reply route(const RecordedRequest& request) {
  const std::string_view path = request.path;
  if (path == "/echo") {
    Reply reply = text_reply(200, echo_json(request));
    reply.content_type = "application/json";
    return reply;
  }
  if (path == "/reset") {
    Reply reply;
    reply.reset = true;
    return reply;
  }
  // /slow-headers also takes POST: a webhook receiver that answers late.
  if (request.method != "GET" && request.method != "HEAD" && !(path == "/slow-headers" && request.method == "POST")) {
    Reply reply = text_reply(405, "method not allowed\n");
    reply.fields.emplace_back(http::field::allow, "GET, HEAD");
    return reply;
  }
  if (path == "/ok") {
    return text_reply(200, "OK");
  }
  if (path == "/health") {
    Reply reply = text_reply(200, R"({"status":"healthy"})");
    reply.content_type = "application/json";
    return reply;
  }
  if (path.starts_with("/status/")) {
    return status_reply(path.substr(std::string_view("/status/").size()));
  }
  if (path == "/server-error") {
    return text_reply(500, "Internal Server Error\n");
  }
  if (path == "/slow-headers" || path == "/slow-body") {
    const auto delay = delay_parameter(request.target);
    if (!delay) {
      return text_reply(400, fmt::format("ms must be a whole number from 0 to {}\n", max_delay.count()));
    }
    Reply reply = text_reply(200, std::string(slow_body));
    (path == "/slow-headers" ? reply.header_delay : reply.body_delay) = *delay;
    return reply;
  }
  if (path == "/redirect" || path == "/redirect-loop") {
    const std::string location = path == "/redirect" ? "/ok" : "/redirect-loop";
    Reply reply = text_reply(302, fmt::format("redirecting to {}\n", location));
    reply.fields.emplace_back(http::field::location, location);
    return reply;
  }
  if (path == "/match-early") {
    return text_reply(200, filler_body(match_body_size, match_early_offset));
  }
  if (path == "/match-late") {
    return text_reply(200, filler_body(match_body_size, match_late_offset));
  }
  if (path == "/match-edge") {
    return text_reply(200, filler_body(match_body_size, match_edge_offset));
  }
  if (path == "/match-straddle") {
    return text_reply(200, filler_body(match_body_size, match_straddle_offset));
  }
  if (path == "/no-match") {
    return text_reply(200, filler_body(match_body_size, std::nullopt));
  }
  return text_reply(404, "not found\n");
}

RecordedRequest make_record(const http::request<http::string_body>& request, const std::string& server_name) {
  RecordedRequest recorded;
  recorded.method = std::string(request.method_string());
  recorded.target = std::string(request.target());
  recorded.path = recorded.target.substr(0, recorded.target.find('?'));
  recorded.version = request.version();
  for (const auto& field : request) {
    recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  recorded.body = request.body();
  recorded.server_name = server_name;
  return recorded;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(nothrow);
}

// Ends a connection after a response that said "Connection: close".
asio::awaitable<void> close_gracefully(PlainStream& stream) {
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  co_return;
}

asio::awaitable<void> close_gracefully(TlsStream& stream) {
  // Sends close_notify and waits briefly for the client's; clients often just hang up.
  stream.next_layer().expires_after(tls_shutdown_timeout);
  co_await stream.async_shutdown(nothrow);
}

// Closing with SO_LINGER 0 sends RST instead of FIN: the client sees "connection reset".
void reset_connection(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

// A response ready for the wire: the header block, and the body (not sent for HEAD, whose
// Content-Length is still that of the GET).
struct Response {
  std::string header{};
  std::string body{};
  bool keep_alive = true;
};

Response make_response(const http::request<http::string_body>& request, const Reply& reply) {
  http::response<http::string_body> message{http::status::ok, request.version()};
  message.result(reply.status);
  if (http::int_to_status(reply.status) == http::status::unknown) {
    message.reason("Test Status");
  }
  message.set(http::field::server, "regionguard-test");
  message.set(http::field::content_type, reply.content_type);
  for (const auto& [field, value] : reply.fields) {
    message.set(field, value);
  }
  message.keep_alive(request.keep_alive());
  message.body() = reply.body;
  message.prepare_payload();  // Content-Length, or none for 204 and 304

  Response response;
  response.header = fmt::format("HTTP/{}.{} {} {}\r\n", message.version() / 10, message.version() % 10,
                                message.result_int(), std::string_view(message.reason()));
  for (const auto& field : message) {
    response.header += fmt::format("{}: {}\r\n", std::string_view(field.name_string()),
                                   std::string_view(field.value()));
  }
  response.header += "\r\n";
  response.body = std::move(message.body());
  response.keep_alive = message.keep_alive();
  return response;
}

void report_exception(std::exception_ptr error) {
  if (!error) {
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "HttpTestServer: %s\n", e.what());
  }
}

std::unique_ptr<ssl::context> make_ssl_context(const std::filesystem::path& cert, const std::filesystem::path& key) {
  if (cert.empty() || key.empty()) {
    throw std::invalid_argument("HttpTestServer: TLS needs both a certificate and a key file");
  }
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  error_code ec;
  context->use_certificate_chain_file(cert.string(), ec);
  if (ec) {
    throw std::runtime_error(fmt::format("HttpTestServer: cannot load TLS certificate {}: {}", cert.string(),
                                         ec.message()));
  }
  // OpenSSL also checks here that the key belongs to the certificate.
  context->use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("HttpTestServer: cannot load TLS key {}: {}", key.string(), ec.message()));
  }
  return context;
}

}  // namespace

std::string filler_body(std::size_t size, std::optional<std::size_t> match_offset) {
  // Lower-case letters and digits in 64-byte lines: readable, and never match_string.
  constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string body(size, ' ');
  for (std::size_t i = 0; i < size; ++i) {
    body[i] = i % 64 == 63 ? '\n' : alphabet[i % alphabet.size()];
  }
  if (match_offset) {
    if (*match_offset + match_string.size() > size) {
      throw std::invalid_argument("filler_body: match_string does not fit");
    }
    body.replace(*match_offset, match_string.size(), match_string);
  }
  return body;
}

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (beast::iequals(field, name)) {
      return value;
    }
  }
  return std::nullopt;
}

// The coroutines of one server: the accept loop and one per connection, all on its thread.
// Only async_read_some and async_write touch a stream; Beast's parser and message types do
// the HTTP work in memory. (Beast's composed HTTP operations, instantiated inside coroutines
// for both stream types, made this one file take a minute of CPU and 170 MB to compile.)
class HttpTestServer::Session {
 public:
  static asio::awaitable<void> accept(HttpTestServer& server) {
    for (;;) {
      auto [ec, socket] = co_await server.acceptor_.async_accept(nothrow);
      if (ec == asio::error::operation_aborted) {
        co_return;
      }
      if (ec) {
        // A client that gave up before the accept, or out of descriptors: do not spin.
        co_await sleep_for(10ms);
        continue;
      }
      ++server.connections_;
      asio::co_spawn(server.io_, run(server, std::move(socket)), report_exception);
    }
  }

 private:
  enum class ReadEnd { request, closed, failed };

  static asio::awaitable<void> run(HttpTestServer& server, tcp::socket socket) {
    if (!server.ssl_context_) {
      PlainStream stream(std::move(socket));
      co_await serve(server, stream, "");
      co_return;
    }
    TlsStream stream(std::move(socket), *server.ssl_context_);
    stream.next_layer().expires_after(handshake_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow);
    if (ec) {
      ++server.tls_handshake_failures_;
      co_return;
    }
    const char* server_name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    co_await serve(server, stream, server_name == nullptr ? "" : server_name);
  }

  template <typename Stream>
  static asio::awaitable<bool> write(Stream& stream, std::string_view bytes) {
    auto [ec, written] = co_await asio::async_write(stream, asio::buffer(bytes), nothrow);
    co_return !ec;
  }

  // Reads one request into `parser`; `buffer` keeps what the client sent beyond it.
  // `closed`: the client ended the connection cleanly before sending anything more.
  template <typename Stream>
  static asio::awaitable<ReadEnd> read_request(Stream& stream, beast::flat_buffer& buffer,
                                               http::request_parser<http::string_body>& parser) {
    parser.eager(true);
    parser.body_limit(max_body_size);
    bool continue_sent = false;
    for (;;) {
      while (buffer.size() > 0 && !parser.is_done()) {
        error_code ec;
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == http::error::need_more || (!ec && used == 0)) {
          break;
        }
        if (ec) {
          co_return ReadEnd::failed;
        }
      }
      if (parser.is_done()) {
        co_return ReadEnd::request;
      }
      if (parser.is_header_done() && !continue_sent &&
          beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        continue_sent = true;
        if (!co_await write(stream, "HTTP/1.1 100 Continue\r\n\r\n")) {
          co_return ReadEnd::failed;
        }
      }
      auto [ec, received] = co_await stream.async_read_some(buffer.prepare(16384), nothrow);
      buffer.commit(received);
      if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
        co_return parser.got_some() || buffer.size() > 0 ? ReadEnd::failed : ReadEnd::closed;
      }
      if (ec) {
        co_return ReadEnd::failed;
      }
    }
  }

  // Reads requests and answers them until the client or the route ends the connection.
  template <typename Stream>
  static asio::awaitable<void> serve(HttpTestServer& server, Stream& stream, std::string server_name) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      lowest.expires_after(idle_timeout);
      const ReadEnd end = co_await read_request(stream, buffer, parser);
      if (end == ReadEnd::closed) {
        co_await close_gracefully(stream);
      }
      if (end != ReadEnd::request) {
        co_return;
      }
      const http::request<http::string_body> request = parser.release();
      RecordedRequest recorded = make_record(request, server_name);
      Reply reply = route(recorded);
      server.record(std::move(recorded));

      if (reply.reset) {
        reset_connection(lowest.socket());
        co_return;
      }
      const bool head = request.method() == http::verb::head;
      const Response response = make_response(request, reply);
      if (reply.header_delay > 0ms) {
        lowest.expires_never();
        co_await sleep_for(reply.header_delay);
      }
      lowest.expires_after(write_timeout);
      if (!co_await write(stream, response.header)) {
        co_return;
      }
      if (reply.body_delay > 0ms && !head) {
        lowest.expires_never();
        co_await sleep_for(reply.body_delay);
        lowest.expires_after(write_timeout);
      }
      if (!head && !response.body.empty() && !co_await write(stream, response.body)) {
        co_return;
      }
      if (!response.keep_alive) {
        co_await close_gracefully(stream);
        co_return;
      }
    }
  }
};

HttpTestServer::HttpTestServer(HttpTestServerOptions options) : options_(std::move(options)), acceptor_(io_) {
  if (options_.tls) {
    ssl_context_ = make_ssl_context(options_.cert, options_.key);
  }
  acceptor_.open(tcp::v4());
  acceptor_.bind({asio::ip::address_v4::loopback(), 0});
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, Session::accept(*this), report_exception);
  thread_ = std::thread([this] {
    // A handler that throws must not take the test process down with std::terminate.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& error) {
        std::fprintf(stderr, "HttpTestServer: %s\n", error.what());
      }
    }
  });
}

HttpTestServer::~HttpTestServer() {
  io_.stop();
  thread_.join();
  // Sessions still waiting (on a slow route, or for the next request) are destroyed with io_,
  // without running further, which closes their connections.
}

std::string HttpTestServer::url(std::string_view target) const { return url_for_host(address(), target); }

std::string HttpTestServer::url_for_host(std::string_view host, std::string_view target) const {
  return fmt::format("{}://{}:{}{}", options_.tls ? "https" : "http", host, port_, target);
}

void HttpTestServer::record(RecordedRequest request) {
  {
    const std::lock_guard lock(mutex_);
    auto it = requests_by_path_.find(request.path);
    if (it == requests_by_path_.end()) {
      it = requests_by_path_.emplace(request.path, 0).first;
    }
    ++it->second;
    ++total_requests_;
    recorded_.push_back(request);
    last_request_ = std::move(request);
  }
  request_recorded_.notify_all();
}

std::size_t HttpTestServer::requests(std::string_view path) const {
  const std::lock_guard lock(mutex_);
  const auto it = requests_by_path_.find(path);
  return it == requests_by_path_.end() ? 0 : it->second;
}

std::size_t HttpTestServer::total_requests() const {
  const std::lock_guard lock(mutex_);
  return total_requests_;
}

std::vector<RecordedRequest> HttpTestServer::recorded(std::string_view path) const {
  const std::lock_guard lock(mutex_);
  std::vector<RecordedRequest> out;
  for (const auto& request : recorded_)
    if (request.path == path) out.push_back(request);
  return out;
}

std::optional<RecordedRequest> HttpTestServer::last_request() const {
  const std::lock_guard lock(mutex_);
  return last_request_;
}

bool HttpTestServer::wait_for_requests(std::string_view path, std::size_t count,
                                       std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return request_recorded_.wait_for(lock, timeout, [&] {
    const auto it = requests_by_path_.find(path);
    return it != requests_by_path_.end() && it->second >= count;
  });
}

}  // namespace rg::test
