#pragma once
// One WebSocket client of /api/v1/stream, after Beast's chat-multi websocket_session. Two
// coroutines: the reader (which also answers pings and the close handshake, and sees the client
// leave) and the writer (one write in flight, from the bounded queue). A client is closed with
// 1008 and counted when it does not read what it is sent (its queue fills, or one write stays
// unfinished for kWsWriteTimeout behind a small socket send buffer) or when it sends more than a
// stream client ever needs (a frame flood); every session ends after server.websocket_max_age.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <optional>

#include "present/client_stream.h"
#include "present/server_core.h"

namespace rg {

template <class Stream>
class WsSession final : public WsClient, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<ServerCore> core, Stream&& stream, std::string client);

  // Accepts the handshake of `request` and serves the client until either side ends it.
  boost::asio::awaitable<void> run(boost::beast::http::request<boost::beast::http::string_body>& request);

  void send(SharedMessage message) override;
  void close(CloseReason reason) override;

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop(std::shared_ptr<WsSession> self);
  void drop(CloseReason reason, RefusalReason refusal, std::string_view why);

  std::shared_ptr<ServerCore> core_;
  boost::beast::websocket::stream<Stream> ws_;
  std::string client_;
  boost::asio::steady_timer wake_;            // the writer waits on it for the queue to fill
  boost::asio::steady_timer deadline_;        // cuts the connection kWsCloseGrace after close()
  boost::asio::steady_timer write_deadline_;  // a write in flight this long: the client does not read
  boost::asio::steady_timer lifetime_;        // server.websocket_max_age
  SendQueue queue_;
  std::optional<boost::beast::websocket::close_reason> close_reason_;
  bool finished_ = false;
};

extern template class WsSession<ClientStream>;
extern template class WsSession<ClientTlsStream>;

}  // namespace rg
