#include "present/ws_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace rg {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

using namespace std::chrono_literals;

// A client this far behind is dropped (close 1008 "too slow").
constexpr std::size_t kWsQueueMessages = 64;
constexpr std::size_t kWsQueueBytes = 16 * 1024 * 1024;
// A write that has not finished after this long means the client is not reading. The socket's
// send buffer is kept small so that this shows within seconds, not after megabytes the kernel
// holds for a client that never reads.
constexpr auto kWsWriteTimeout = 10s;
constexpr int kWsSendBuffer = 64 * 1024;
constexpr auto kWsCloseGrace = 2s;  // after a close frame is queued, the connection is cut anyway
// Clients have nothing to say on the stream but pongs and a close: a message of at most this,
// and at most this many bytes a second (about 1,400 empty frames) before it counts as a flood.
constexpr std::size_t kWsMaxClientMessage = 4096;
constexpr std::size_t kWsMaxClientBytesPerSecond = 8192;

websocket::close_reason close_frame(WsClient::CloseReason reason) {
  switch (reason) {
    case WsClient::CloseReason::too_slow: return {websocket::close_code::policy_error, "too slow"};
    case WsClient::CloseReason::flood: return {websocket::close_code::policy_error, "too many frames"};
    case WsClient::CloseReason::lifetime: return {websocket::close_code::normal, "session lifetime reached; reconnect"};
    case WsClient::CloseReason::going_away: break;
  }
  return {websocket::close_code::going_away, "server shutting down"};
}

}  // namespace

template <class Stream>
WsSession<Stream>::WsSession(std::shared_ptr<ServerCore> core, Stream&& stream, std::string client)
    : core_(std::move(core)),
      ws_(std::move(stream)),
      client_(std::move(client)),
      wake_(ws_.get_executor()),
      deadline_(ws_.get_executor()),
      write_deadline_(ws_.get_executor()),
      lifetime_(ws_.get_executor()),
      queue_(kWsQueueMessages, kWsQueueBytes) {}

template <class Stream>
asio::awaitable<void> WsSession<Stream>::run(http::request<http::string_body>& request) {
  auto self = this->shared_from_this();
  auto& lowest = beast::get_lowest_layer(ws_);
  lowest.expires_never();  // the websocket stream keeps its own timeouts
  beast::error_code ignored;
  lowest.socket().set_option(asio::socket_base::send_buffer_size(kWsSendBuffer), ignored);
  lowest.rate_policy().limit_reads(kWsMaxClientBytesPerSecond, [weak = this->weak_from_this(), executor = ws_.get_executor()] {
    asio::post(executor, [weak] {
      if (auto session = weak.lock())
        session->drop(CloseReason::flood, RefusalReason::websocket_flood, "more than 8 KiB a second of frames");
    });
  });
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, kServerName); }));
  ws_.read_message_max(kWsMaxClientMessage);
  auto [accept_ec] = co_await ws_.async_accept(request, nothrow);
  if (accept_ec || core_->stopping) co_return;
  core_->hub.join(self);
  send(core_->snapshot_message());
  lifetime_.expires_after(std::chrono::milliseconds(core_->config.server.websocket_max_age.count()));
  lifetime_.async_wait([weak = this->weak_from_this()](const beast::error_code& ec) {
    if (ec) return;
    if (auto session = weak.lock()) session->close(CloseReason::lifetime);
  });
  asio::co_spawn(ws_.get_executor(), write_loop(self), log_unexpected("websocket writer"));
  co_await read_loop();
  core_->hub.leave(this);
  finished_ = true;
  wake_.cancel();
  deadline_.cancel();
  write_deadline_.cancel();
  lifetime_.cancel();
}

template <class Stream>
void WsSession<Stream>::send(SharedMessage message) {
  if (finished_ || close_reason_) return;
  if (!queue_.push(std::move(message))) {
    drop(CloseReason::too_slow, RefusalReason::websocket_too_slow,
         fmt::format("{} messages, {} bytes waiting", queue_.size(), queue_.bytes()));
    return;
  }
  wake_.cancel();
}

template <class Stream>
void WsSession<Stream>::drop(CloseReason reason, RefusalReason refusal, std::string_view why) {
  if (finished_ || close_reason_) return;
  if (reason == CloseReason::too_slow) {
    core_->hub.count_dropped();
    spdlog::warn("websocket client {} is too slow ({}): disconnecting it", client_, why);
  }
  core_->note_refusal(refusal, client_, why);
  close(reason);
}

template <class Stream>
void WsSession<Stream>::close(CloseReason reason) {
  if (finished_ || close_reason_) return;
  close_reason_ = close_frame(reason);
  queue_.clear();
  core_->hub.leave(this);  // no more messages; it no longer counts as a client
  wake_.cancel();
  // The close frame waits behind a write in flight, which a client that does not read never
  // finishes: after the grace the connection is cut whatever it is doing.
  deadline_.expires_after(kWsCloseGrace);
  deadline_.async_wait([weak = this->weak_from_this()](const beast::error_code& ec) {
    if (ec) return;
    if (auto session = weak.lock()) beast::get_lowest_layer(session->ws_).close();
  });
}

template <class Stream>
asio::awaitable<void> WsSession<Stream>::read_loop() {
  beast::flat_buffer buffer;
  while (true) {
    auto [ec, n] = co_await ws_.async_read(buffer, nothrow);
    if (ec) co_return;  // closed by either side, reset, timed out, or a message over the limit
    buffer.consume(buffer.size());  // the stream is one-way; whatever a client sends is ignored
  }
}

// `self` keeps the session alive while the writer runs.
template <class Stream>
asio::awaitable<void> WsSession<Stream>::write_loop([[maybe_unused]] std::shared_ptr<WsSession> self) {
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
    write_deadline_.expires_after(kWsWriteTimeout);
    write_deadline_.async_wait([weak = this->weak_from_this()](const beast::error_code& ec) {
      if (ec) return;
      if (auto session = weak.lock())
        session->drop(CloseReason::too_slow, RefusalReason::websocket_too_slow, "a message unsent for 10 s");
    });
    auto [ec, n] = co_await ws_.async_write(asio::buffer(*message), nothrow);
    write_deadline_.cancel();
    if (ec) co_return;
  }
}

template class WsSession<ClientStream>;
template class WsSession<ClientTlsStream>;

}  // namespace rg
