#include "present/api_server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>

#include "present/api_handler.h"
#include "present/bearer_auth.h"
#include "present/dashboard_state.h"
#include "present/metrics.h"
#include "present/ws_hub.h"
#include "store/sqlite_store.h"

namespace rg {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

using namespace std::chrono_literals;

// Expected I/O outcomes come back as values (error codes), not exceptions.
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kServerName = "regionguard/0.1.0";
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr auto kIdleTimeout = 60s;       // waiting for the next request on a kept-alive connection
constexpr auto kBodyTimeout = 30s;
constexpr auto kWriteTimeout = 30s;
constexpr auto kHandshakeTimeout = 10s;  // TLS
constexpr auto kLingerTimeout = 1s;      // reading what a refused client still sends, so it sees the answer
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr auto kShutdownGrace = 1s;
constexpr std::size_t kWorkerThreads = 2;
constexpr std::size_t kMaxPendingJobs = 64;  // store and file reads queued for the pool
// Per WebSocket client: a client this far behind is dropped (close 1008 "too slow").
constexpr std::size_t kWsQueueMessages = 64;
constexpr std::size_t kWsQueueBytes = 16 * 1024 * 1024;
constexpr auto kWsCloseGrace = 2s;  // after a close frame is queued, the connection is cut anyway
constexpr std::size_t kWsMaxClientMessage = 4096;  // clients have nothing to say on the stream

// co_spawn completion: the coroutine's boundary, where the unexpected is caught and logged.
auto log_unexpected(std::string_view what) {
  return [what](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("{}: unexpected error: {}", what, e.what());
    } catch (...) {
      spdlog::error("{}: unexpected error", what);
    }
  };
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                              std::tolower(static_cast<unsigned char>(y)); });
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

ApiRequest to_api_request(const http::request<http::string_body>& request) {
  ApiRequest api;
  api.method = std::string(request.method_string());
  api.target = std::string(request.target());
  api.authorization = std::string(request[http::field::authorization]);
  api.body = request.body();
  api.host = std::string(request[http::field::host]);
  api.origin = std::string(request[http::field::origin]);
  api.websocket_upgrade = websocket::is_upgrade(request);
  return api;
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

// Raises the soft limit on open files towards max_clients plus room for probes and the store.
void raise_descriptor_limit(int max_clients) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(max_clients) + 256;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted)
    spdlog::warn("only {} file descriptors allowed: fewer than server.max_clients ({}) needs; raise `ulimit -n`",
                 limit.rlim_cur, max_clients);
}

bool is_loopback(const asio::ip::address& address) { return address.is_loopback(); }

}  // namespace

// Everything the server's coroutines share. They hold it by shared_ptr, so whatever is still
// pending when the server object goes away keeps it alive until the io_context drops them.
struct ApiServer::Core : std::enable_shared_from_this<ApiServer::Core> {
  Core(asio::io_context& io_context, const Config& configuration)
      : io(io_context), config(configuration), state(config), acceptor(io_context) {}

  SharedMessage snapshot_message() {
    if (!snapshot) snapshot = std::make_shared<const std::string>(state.stream_message("snapshot", now_us()));
    return snapshot;
  }

  // Closing every HTTP connection at shutdown: each registers how to close itself.
  class Registration {
   public:
    Registration(Core& core, std::function<void()> close) : core_(&core), id_(core.next_connection_id++) {
      core.closers.emplace(id_, std::move(close));
    }
    ~Registration() { reset(); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    void reset() {
      if (core_) core_->closers.erase(id_);
      core_ = nullptr;
    }

   private:
    Core* core_;
    std::uint64_t id_;
  };

  asio::io_context& io;
  const Config& config;
  DashboardState state;
  ProbeMetrics probes;
  WsHub hub;
  std::unique_ptr<ApiHandler> handler;
  std::unique_ptr<ssl::context> tls;
  tcp::acceptor acceptor;
  asio::thread_pool pool{kWorkerThreads};
  std::size_t pending_jobs = 0;
  std::size_t connections = 0;  // open connections, HTTP and WebSocket
  std::map<std::uint64_t, std::function<void()>> closers;
  std::uint64_t next_connection_id = 0;
  SharedMessage snapshot;  // of the current round, built on the first connect after it
  bool stopping = false;
};

namespace {

using Core = ApiServer::Core;

struct ConnectionCount {
  explicit ConnectionCount(Core& c) : core(c) { ++core.connections; }
  ~ConnectionCount() { --core.connections; }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;
  Core& core;
};

ApiResponse run_guarded(const std::function<ApiResponse()>& work) {
  try {
    return work();
  } catch (const std::exception& e) {  // unexpected: a bug or out of memory, not a bad request
    spdlog::error("request failed: {}", e.what());
    return error_response(500, "internal", "internal error");
  }
}

// Store and file reads, off the loop: `work` runs on the pool and the operation completes on the
// handler's executor (the loop, for a coroutine). Plain callbacks rather than a coroutine with
// captures: GCC 12 mishandles temporaries with destructors inside co_await expressions.
template <class CompletionToken>
auto async_run_on_pool(asio::thread_pool& pool, std::function<ApiResponse()>&& work, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(ApiResponse)>(
      [&pool](auto handler, std::function<ApiResponse()> job) {
        // The loop must not run out of work while the answer is on its way back.
        auto loop = asio::make_work_guard(asio::get_associated_executor(handler));
        asio::post(pool, [handler = std::move(handler), job = std::move(job), loop = std::move(loop)]() mutable {
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

// Coroutines here take what the caller owns by reference (the caller awaits them), and nothing
// with a destructor is created inside a co_await expression (see async_run_on_pool).
template <class Stream>
asio::awaitable<void> reply_and_close(Stream& stream, ApiResponse& response) {
  auto message = to_beast(std::move(response), 11, false, false);
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(stream, message, nothrow);
  if (!ec) co_await linger_and_close(stream);
}

// One WebSocket client of /api/v1/stream. Two coroutines: the reader (which also answers pings
// and the close handshake, and sees the client leave) and the writer (one write in flight,
// from the bounded queue).
template <class Stream>
class WsSession final : public WsClient, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<Core> core, Stream&& stream)
      : core_(std::move(core)),
        ws_(std::move(stream)),
        wake_(ws_.get_executor()),
        deadline_(ws_.get_executor()),
        queue_(kWsQueueMessages, kWsQueueBytes) {}

  asio::awaitable<void> run(http::request<http::string_body>& request) {
    auto self = this->shared_from_this();
    beast::error_code ec;
    remote_ = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timeouts
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, kServerName); }));
    ws_.read_message_max(kWsMaxClientMessage);
    auto [accept_ec] = co_await ws_.async_accept(request, nothrow);
    if (accept_ec || core_->stopping) co_return;
    core_->hub.join(self);
    send(core_->snapshot_message());
    asio::co_spawn(ws_.get_executor(), write_loop(self), log_unexpected("websocket writer"));
    co_await read_loop();
    core_->hub.leave(this);
    finished_ = true;
    wake_.cancel();
    deadline_.cancel();
  }

  void send(SharedMessage message) override {
    if (finished_ || close_reason_) return;
    if (!queue_.push(std::move(message))) {
      core_->hub.count_dropped();
      spdlog::warn("websocket client {} is too slow ({} messages, {} bytes waiting): disconnecting it",
                   remote_.address().to_string(), queue_.size(), queue_.bytes());
      close(CloseReason::too_slow);
      return;
    }
    wake_.cancel();
  }

  void close(CloseReason reason) override {
    if (finished_ || close_reason_) return;
    close_reason_ = reason == CloseReason::too_slow
                        ? websocket::close_reason(websocket::close_code::policy_error, "too slow")
                        : websocket::close_reason(websocket::close_code::going_away, "server shutting down");
    queue_.clear();
    core_->hub.leave(this);  // no more messages; it no longer counts as a client
    wake_.cancel();
    // The close frame waits behind a write in flight, which a client that does not read never
    // finishes: after the grace the connection is cut whatever it is doing.
    deadline_.expires_after(kWsCloseGrace);
    deadline_.async_wait([weak = this->weak_from_this()](const beast::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) beast::get_lowest_layer(self->ws_).close();
    });
  }

 private:
  asio::awaitable<void> read_loop() {
    beast::flat_buffer buffer;
    while (true) {
      auto [ec, n] = co_await ws_.async_read(buffer, nothrow);
      if (ec) co_return;  // closed by either side, reset, timed out, or a message over the limit
      buffer.consume(buffer.size());  // the stream is one-way; whatever a client sends is ignored
    }
  }

  // `self` keeps the session alive while the writer runs.
  asio::awaitable<void> write_loop([[maybe_unused]] std::shared_ptr<WsSession> self) {
    while (!finished_) {
      if (close_reason_) {
        co_await ws_.async_close(*close_reason_, nothrow);
        co_return;
      }
      if (queue_.empty()) {
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(nothrow);  // send(), close() and the reader's end cancel it
        continue;
      }
      const SharedMessage message = queue_.pop();
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*message), nothrow);
      if (ec) co_return;
    }
  }

  std::shared_ptr<Core> core_;
  websocket::stream<Stream> ws_;
  asio::steady_timer wake_;      // the writer waits on it for the queue to fill
  asio::steady_timer deadline_;  // cuts the connection kWsCloseGrace after close()
  SendQueue queue_;
  std::optional<websocket::close_reason> close_reason_;
  bool finished_ = false;
  tcp::endpoint remote_;
};

template <class Stream>
asio::awaitable<void> serve_http(const std::shared_ptr<Core>& core, Stream& stream) {
  auto& lowest = beast::get_lowest_layer(stream);
  Core::Registration registration(*core, [&lowest] { lowest.close(); });
  beast::flat_buffer buffer;
  std::optional<ApiResponse> refusal;  // an answer that ends the connection
  while (!core->stopping) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kMaxRequestBody);
    lowest.expires_after(kIdleTimeout);
    auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    if (header_ec == http::error::body_limit) {
      refusal = payload_too_large(kMaxRequestBody);
      break;
    }
    if (is_parse_error(header_ec)) {
      refusal = bad_request("malformed request: " + header_ec.message());
      break;
    }
    if (header_ec) co_return;  // closed, reset or idle too long
    if (iequals(parser.get()[http::field::expect], "100-continue") && !parser.is_done()) {
      http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
      lowest.expires_after(kWriteTimeout);
      auto [continue_ec, continue_bytes] = co_await http::async_write(stream, go_on, nothrow);
      if (continue_ec) co_return;
    }
    if (!parser.is_done()) {
      lowest.expires_after(kBodyTimeout);
      auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, nothrow);
      if (body_ec == http::error::body_limit) {
        refusal = payload_too_large(kMaxRequestBody);
        break;
      }
      if (is_parse_error(body_ec)) {
        refusal = bad_request("malformed request: " + body_ec.message());
        break;
      }
      if (body_ec) co_return;
    }
    http::request<http::string_body> request = parser.release();
    const auto started = std::chrono::steady_clock::now();
    HandlerResult result = core->handler->handle(to_api_request(request));
    if (std::holds_alternative<UpgradeToWebSocket>(result)) {
      registration.reset();  // the session owns the stream from here and closes itself
      auto session = std::make_shared<WsSession<Stream>>(core, std::move(stream));
      co_await session->run(request);
      co_return;
    }
    ApiResponse response;
    if (auto* work = std::get_if<BlockingWork>(&result)) {
      if (core->pending_jobs >= kMaxPendingJobs) {
        response = unavailable("the server is busy; try again shortly");
      } else {
        ++core->pending_jobs;
        response = co_await async_run_on_pool(core->pool, std::move(work->run), asio::use_awaitable);
        --core->pending_jobs;
      }
    } else {
      response = std::get<ApiResponse>(std::move(result));
    }
    const unsigned status = response.status;
    const bool keep_alive = request.keep_alive() && !core->stopping;
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
    co_await reply_and_close(stream, *refusal);
    co_return;
  }
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  } else {
    lowest.expires_after(kHandshakeTimeout);
    co_await stream.async_shutdown(nothrow);
  }
}

asio::awaitable<void> serve_connection(std::shared_ptr<Core> core, tcp::socket socket) {
  ConnectionCount count(*core);
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  beast::tcp_stream stream(std::move(socket));
  if (core->connections > static_cast<std::size_t>(core->config.server.max_clients)) {
    if (core->tls) co_return;  // a plain-text answer would mean nothing to a TLS client
    ApiResponse refusal =
        unavailable("too many clients (server.max_clients is " + std::to_string(core->config.server.max_clients) + ")");
    co_await reply_and_close(stream, refusal);
    co_return;
  }
  if (!core->tls) {
    co_await serve_http(core, stream);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *core->tls);
  beast::get_lowest_layer(tls_stream).expires_after(kHandshakeTimeout);
  auto [handshake_ec] = co_await tls_stream.async_handshake(ssl::stream_base::server, nothrow);
  if (handshake_ec) co_return;  // not a TLS client, or one that gave up
  co_await serve_http(core, tls_stream);
}

asio::awaitable<void> accept_loop(std::shared_ptr<Core> core) {
  while (!core->stopping) {
    auto [ec, socket] = co_await core->acceptor.async_accept(nothrow);
    if (core->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) or memory: wait a little instead of spinning on the error.
      spdlog::warn("cannot accept a connection: {}", ec.message());
      asio::steady_timer pause(core->io, 100ms);
      co_await pause.async_wait(nothrow);
      continue;
    }
    asio::co_spawn(core->io, serve_connection(core, std::move(socket)), log_unexpected("HTTP connection"));
  }
}

std::expected<std::unique_ptr<ssl::context>, std::string> load_tls(const ServerTlsConfig& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(files.cert, ec);
  if (ec) return std::unexpected("server.tls.cert " + files.cert + ": " + ec.message());
  context->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return std::unexpected("server.tls.key " + files.key + ": " + ec.message());
  return context;
}

}  // namespace

std::expected<std::unique_ptr<ApiServer>, std::string> ApiServer::start(asio::io_context& io, const Config& config,
                                                                        Hooks hooks) {
  const ServerConfig& server = config.server;
  auto token = load_token(server);
  if (!token) return std::unexpected(token.error());
  auto core = std::make_shared<Core>(io, config);
  if (server.tls) {
    auto tls = load_tls(*server.tls);
    if (!tls) return std::unexpected(tls.error());
    core->tls = std::move(*tls);
  }

  ApiHandler::Options options;
  options.token = std::move(*token);
  options.auth_reads = server.auth_reads;
  options.web_root = server.web_root;
  options.store_open = true;  // the pipeline opened it before starting the server
  if (config.store.path == ":memory:") {
    options.history_problem = "store.path is :memory:, which no second connection can read";
  } else if (auto store = SqliteStore::open_read_only(config.store.path)) {
    options.history = std::move(*store);
  } else {
    options.history_problem = store.error().message;
    spdlog::warn("history queries unavailable: {}", store.error().message);
  }
  Core* raw = core.get();  // the handler lives inside the core
  ApiHandler::Hooks handler_hooks;
  handler_hooks.trigger_round = std::move(hooks.trigger_round);
  if (hooks.store_stats)
    handler_hooks.store_stats = [stats = std::move(hooks.store_stats)] { return std::optional(stats()); };
  if (hooks.anomaly_stats)
    handler_hooks.anomaly_stats = [stats = std::move(hooks.anomaly_stats)] { return std::optional(stats()); };
  handler_hooks.alerts = std::move(hooks.alerts);
  handler_hooks.failover = std::move(hooks.failover);
  if (hooks.cloudwatch_stats)
    handler_hooks.cloudwatch_stats = [stats = std::move(hooks.cloudwatch_stats)] { return std::optional(stats()); };
  handler_hooks.ws_clients = [raw] { return static_cast<std::uint64_t>(raw->hub.size()); };
  handler_hooks.ws_dropped = [raw] { return raw->hub.dropped(); };
  const bool has_token = !options.token.empty();
  core->handler = std::make_unique<ApiHandler>(core->state, core->probes, std::move(options), std::move(handler_hooks));

  beast::error_code ec;
  const auto address = asio::ip::make_address(server.listen.host, ec);
  if (ec) return std::unexpected("server.listen " + server.listen.to_string() + ": " + ec.message());
  const tcp::endpoint endpoint(address, server.listen.port);
  auto& acceptor = core->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on " + server.listen.to_string() + ": " + ec.message());
  raise_descriptor_limit(server.max_clients);
  asio::co_spawn(io, accept_loop(core), log_unexpected("HTTP acceptor"));

  const std::string scheme = core->tls ? "https" : "http";
  spdlog::info("serving the API and dashboard on {}://{}", scheme, server.listen.to_string());
  if (!is_loopback(address) && !core->tls)
    spdlog::warn("server.listen {} is reachable from other machines over plain HTTP{}; add server.tls",
                 server.listen.to_string(), has_token ? ", and the bearer token travels in clear" : "");
  if (!has_token) spdlog::info("POST /api/v1/probe is disabled: no server.token or server.token_file");
  if (std::error_code missing; !std::filesystem::exists(std::filesystem::path(server.web_root) / "index.html", missing))
    spdlog::warn("dashboard not built: no index.html in server.web_root {} (cmake --build <build dir> --target web)",
                 server.web_root);
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(core)));
}

ApiServer::~ApiServer() {
  core_->pool.stop();
  core_->pool.join();
}

std::uint16_t ApiServer::port() const {
  beast::error_code ec;
  const auto endpoint = core_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void ApiServer::publish(std::uint64_t round, const AnalyzedRound& analyzed, std::vector<AnomalySignal> anomalies) {
  Core& core = *core_;
  const TimePoint now = now_us();
  core.state.update(round, now, analyzed);
  core.state.set_anomalies(std::move(anomalies));
  core.probes.observe(analyzed, core.state);
  core.snapshot.reset();
  if (core.hub.size() == 0) return;
  // Serialized once, shared by every client's queue.
  core.hub.broadcast(std::make_shared<const std::string>(core.state.stream_message("round", now)));
}

void ApiServer::stop(std::function<void()> on_stopped) {
  auto core = core_;
  if (core->stopping) return;
  core->stopping = true;
  beast::error_code ec;
  core->acceptor.close(ec);
  core->hub.close_all();
  auto closers = core->closers;  // a closer may end its connection, which unregisters it
  for (auto& [id, close] : closers) close();
  asio::co_spawn(
      core->io,
      [core, on_stopped = std::move(on_stopped)]() -> asio::awaitable<void> {
        const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
        asio::steady_timer timer(core->io);
        while (core->connections > 0 && std::chrono::steady_clock::now() < deadline) {
          timer.expires_after(10ms);
          co_await timer.async_wait(nothrow);
        }
        if (on_stopped) on_stopped();
      },
      log_unexpected("HTTP server shutdown"));
}

}  // namespace rg
