#pragma once
// One HTTP/1.1 connection, after Beast's advanced/server-flex-awaitable: requests read one after
// another (keep-alive), each header within server.header_timeout (408 otherwise; 2 s on the gate
// listener and the health reserve), framing that could smuggle a request refused (400), the
// handler's refusals checked before a body is read or 100 Continue sent, blocking work run on
// the pool, and an upgrade handed to a WebSocket session. Expected I/O outcomes are error codes;
// the unexpected is caught where the connection's coroutine was spawned.
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "present/client_stream.h"
#include "present/server_core.h"

namespace rg {

template <class Stream>
boost::asio::awaitable<void> serve_http(std::shared_ptr<ServerCore> core, Stream& stream, ConnectionInfo info);

// Answers `response` and closes, reading (and dropping) what the client still sends for a
// moment so that it sees the answer instead of a reset.
template <class Stream>
boost::asio::awaitable<void> reply_and_close(Stream& stream, ApiResponse& response);

extern template boost::asio::awaitable<void> serve_http(std::shared_ptr<ServerCore>, ClientStream&, ConnectionInfo);
extern template boost::asio::awaitable<void> serve_http(std::shared_ptr<ServerCore>, ClientTlsStream&, ConnectionInfo);
extern template boost::asio::awaitable<void> reply_and_close(ClientStream&, ApiResponse&);

}  // namespace rg
