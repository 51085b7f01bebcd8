#include "present/http_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>

#include "core/text.h"
#include "present/request_checks.h"
#include "present/ws_session.h"

namespace rg {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr auto kIdleTimeout = 60s;         // waiting for the next request on a kept-alive connection
constexpr auto kGateIdleTimeout = 5s;      // the same on the gate listener: checkers reconnect anyway
constexpr auto kProbeHeaderTimeout = 2s;   // gate and reserve connections: a checker sends at once
constexpr auto kBodyTimeout = 30s;
constexpr auto kWriteTimeout = 30s;
constexpr auto kHandshakeTimeout = 10s;    // TLS shutdown
constexpr auto kLingerTimeout = 1s;        // reading what a refused client still sends, so it sees the answer
constexpr std::size_t kLingerBytes = 1024 * 1024;

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The answer to a read that failed on the request itself (too large, malformed); nullopt when the
// connection just ended (closed, reset, timed out).
std::optional<ApiResponse> answer_to_read_error(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return payload_too_large(kMaxRequestBody);
  if (is_parse_error(ec)) return bad_request("malformed request: " + ec.message());
  return std::nullopt;
}

ApiRequest to_api_request(const http::request<http::string_body>& request, const ConnectionInfo& info) {
  ApiRequest api;
  api.method = std::string(request.method_string());
  api.target = std::string(request.target());
  api.authorization = std::string(request[http::field::authorization]);
  api.body = request.body();
  api.host = std::string(request[http::field::host]);
  api.origin = std::string(request[http::field::origin]);
  api.websocket_upgrade = beast::websocket::is_upgrade(request);
  api.client = info.client;
  api.listener = info.listener;
  return api;
}

std::optional<std::string> framing_problem_of(const http::request<http::string_body>& request) {
  std::vector<std::string_view> encodings;
  for (const auto& field : request)
    if (field.name() == http::field::transfer_encoding) encodings.push_back(field.value());
  return framing_problem(encodings, request.count(http::field::content_length) > 0);
}

http::response<http::string_body> to_beast(ApiResponse response, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, kServerName);
  out.set(http::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "no-referrer");
  if (response.content_type.starts_with("text/html")) {
    // The dashboard loads nothing from elsewhere; its data comes from this origin (fetch and
    // WebSocket). No framing by other sites.
    out.set("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' "
            "'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
    out.set("X-Frame-Options", "DENY");
  }
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    out.set(name, value);
    cache_control = cache_control || iequals(name, "Cache-Control");
  }
  if (!cache_control) out.set(http::field::cache_control, "no-store");
  out.keep_alive(keep_alive);
  const std::size_t size = response.body.size();
  if (!head) out.body() = std::move(response.body);
  out.content_length(size);  // HEAD: the length GET would send, and no body
  return out;
}

ApiResponse run_guarded(const std::function<ApiResponse()>& work) {
  try {
    return work();
  } catch (const std::exception& e) {  // unexpected: a bug or out of memory, not a bad request
    spdlog::error("request failed: {}", e.what());
    return error_response(500, "internal", "internal error");
  }
}

// Store and file reads, off the loop: `work` runs on the reads lane and the operation completes
// on the handler's executor (the loop, for a coroutine). Plain callbacks rather than a coroutine
// with captures: GCC 12 mishandles temporaries with destructors inside co_await expressions.
// The lane refuses nothing while pending_jobs stays under its capacity, and once the server is
// gone (abandon()) a refused read drops its handler, and the coroutine with it, as a stopped Asio
// pool did.
template <class CompletionToken>
auto async_run_on_pool(WorkerLane& reads, std::function<ApiResponse()>&& work, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(ApiResponse)>(
      [&reads](auto handler, std::function<ApiResponse()> job) {
        // The loop must not run out of work while the answer is on its way back.
        auto loop = asio::make_work_guard(asio::get_associated_executor(handler));
        (void)reads.post([handler = std::move(handler), job = std::move(job), loop = std::move(loop)]() mutable {
          ApiResponse response = run_guarded(job);
          const auto executor = loop.get_executor();
          loop.reset();
          asio::post(executor, [handler = std::move(handler), response = std::move(response)]() mutable {
            std::move(handler)(std::move(response));
          });
        });
      },
      token, std::move(work));
}

// After an answer that ends the connection while the client may still be sending (a body over
// the limit): stop sending, read and discard what comes for a moment, then close. Closing at
// once with unread data would reset the connection and could destroy the answer in flight.
template <class Stream>
asio::awaitable<void> linger_and_close(Stream& stream) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::error_code ec;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
  lowest.expires_after(kLingerTimeout);
  std::array<char, 16 * 1024> discard{};
  std::size_t total = 0;
  while (!ec && total < kLingerBytes) {
    auto [read_ec, n] = co_await lowest.async_read_some(asio::buffer(discard), nothrow);
    ec = read_ec;
    total += n;
  }
  lowest.close();
}

// Reads a request header that must arrive whole within `timeout`. Past it the read is cancelled
// (not the connection, as the stream's own timeout would: the client is owed a 408) and
// `timed_out` is set. The stream's timeout stays as a backstop a little later.
template <class Stream>
asio::awaitable<beast::error_code> read_header_within(Stream& stream, beast::flat_buffer& buffer,
                                                      http::request_parser<http::string_body>& parser,
                                                      std::chrono::milliseconds timeout, bool& timed_out) {
  auto& lowest = beast::get_lowest_layer(stream);
  // `pending` is false once the read is over: a deadline that fires after it touches nothing.
  auto pending = std::make_shared<bool>(true);
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  deadline.async_wait([pending, &lowest, &timed_out](const beast::error_code& ec) {
    if (ec || !*pending) return;
    timed_out = true;
    beast::error_code ignored;
    lowest.socket().cancel(ignored);
  });
  lowest.expires_after(timeout + 5s);
  auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
  *pending = false;
  deadline.cancel();
  co_return ec;
}

void note_if_refusal(ServerCore& core, const ConnectionInfo& info, const ApiResponse& response) {
  if (response.refusal) core.note_refusal(*response.refusal, info.client, response.refusal_detail);
}

}  // namespace

template <class Stream>
asio::awaitable<void> reply_and_close(Stream& stream, ApiResponse& response) {
  auto message = to_beast(std::move(response), 11, false, false);
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(stream, message, nothrow);
  if (!ec) co_await linger_and_close(stream);
}

template <class Stream>
asio::awaitable<void> serve_http(std::shared_ptr<ServerCore> core, Stream& stream, ConnectionInfo info) {
  auto& lowest = beast::get_lowest_layer(stream);
  ServerCore::Registration registration(*core, [&lowest] { lowest.close(); });
  const bool main_listener = info.listener == ApiRequest::Listener::main;
  const std::chrono::milliseconds header_timeout =
      main_listener ? std::chrono::milliseconds(core->config.server.header_timeout.count()) : kProbeHeaderTimeout;
  const auto idle_timeout = info.listener == ApiRequest::Listener::gate ? kGateIdleTimeout : kIdleTimeout;
  beast::flat_buffer buffer;
  std::optional<ApiResponse> refusal;  // an answer that ends the connection
  bool first_request = true;
  while (!core->stopping) {
    // Between requests a client may think for the idle timeout; once it starts one, the header
    // must come whole within the header timeout (which slow-header clients cannot stretch).
    if (!first_request && buffer.size() == 0) {
      lowest.expires_after(idle_timeout);
      auto [idle_ec, n] = co_await stream.async_read_some(buffer.prepare(4096), nothrow);
      if (idle_ec) co_return;  // closed, reset or idle too long
      buffer.commit(n);
    }
    first_request = false;
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kMaxRequestBody);
    bool timed_out = false;
    const beast::error_code header_ec = co_await read_header_within(stream, buffer, parser, header_timeout, timed_out);
    if (timed_out) {
      refusal = request_timeout("the request header did not arrive within " +
                                std::to_string(header_timeout.count()) + " ms");
      break;
    }
    if (header_ec) {
      refusal = answer_to_read_error(header_ec);
      if (!refusal) co_return;
      break;
    }
    if (const auto problem = framing_problem_of(parser.get())) {
      refusal = refused(bad_request(*problem), RefusalReason::bad_framing);
      break;
    }
    if (!parser.is_done()) {
      // Turned away whatever the body says: answer before reading it, and never invite it with
      // 100 Continue.
      if (auto before_body = core->handler->refuse_before_body(to_api_request(parser.get(), info))) {
        refusal = std::move(before_body);
        break;
      }
      if (iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        lowest.expires_after(kWriteTimeout);
        auto [continue_ec, continue_bytes] = co_await http::async_write(stream, go_on, nothrow);
        if (continue_ec) co_return;
      }
      lowest.expires_after(kBodyTimeout);
      auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, nothrow);
      if (body_ec) {
        refusal = answer_to_read_error(body_ec);
        if (!refusal) co_return;
        break;
      }
    }
    http::request<http::string_body> request = parser.release();
    const auto started = std::chrono::steady_clock::now();
    HandlerResult result = core->handler->handle(to_api_request(request, info));
    if (std::holds_alternative<UpgradeToWebSocket>(result)) {
      registration.reset();  // the session owns the stream from here and closes itself
      auto session = std::make_shared<WsSession<Stream>>(core, std::move(stream), info.client);
      co_await session->run(request);
      co_return;
    }
    ApiResponse response;
    if (auto* work = std::get_if<BlockingWork>(&result)) {
      if (core->pending_jobs >= kMaxPendingJobs) {
        response = unavailable("the server is busy; try again shortly");
      } else {
        ++core->pending_jobs;
        response = co_await async_run_on_pool(core->reads, std::move(work->run), asio::use_awaitable);
        --core->pending_jobs;
      }
    } else {
      response = std::get<ApiResponse>(std::move(result));
    }
    note_if_refusal(*core, info, response);
    const unsigned status = response.status;
    const std::string_view target = request.target();
    if (status < 400 && is_open_probe(target.substr(0, target.find('?'))))
      core->probers.note(info.client, std::chrono::steady_clock::now());
    // A reserve connection answers one probe and makes room again.
    const bool keep_alive =
        request.keep_alive() && !core->stopping && info.listener != ApiRequest::Listener::reserve;
    auto message = to_beast(std::move(response), request.version(), keep_alive, request.method() == http::verb::head);
    lowest.expires_after(kWriteTimeout);
    auto [write_ec, written] = co_await http::async_write(stream, message, nothrow);
    // Method, path and status only: the query may be long and headers hold the token.
    spdlog::debug("{} {} {} {:.1f} ms", std::string_view(request.method_string()),
                  std::string_view(request.target()).substr(0, std::string_view(request.target()).find('?')), status,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    if (write_ec) co_return;
    if (!keep_alive) break;
  }
  if (refusal) {
    note_if_refusal(*core, info, *refusal);
    co_await reply_and_close(stream, *refusal);
    co_return;
  }
  if constexpr (std::is_same_v<Stream, ClientStream>) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  } else {
    lowest.expires_after(kHandshakeTimeout);
    co_await stream.async_shutdown(nothrow);
  }
}

template asio::awaitable<void> serve_http(std::shared_ptr<ServerCore>, ClientStream&, ConnectionInfo);
template asio::awaitable<void> serve_http(std::shared_ptr<ServerCore>, ClientTlsStream&, ConnectionInfo);
template asio::awaitable<void> reply_and_close(ClientStream&, ApiResponse&);

}  // namespace rg
