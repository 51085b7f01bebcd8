#pragma once
// Accepting connections on server.listen and server.gate_listen: each accepted socket is
// admitted by its listener's ConnectionBudget before anything is read (full, health reserve, or
// refused with 429 and counted), the gate listener first drops sources outside
// server.gate_allow, and an admitted connection is served (TLS first when configured) by
// http_session.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "present/server_core.h"

namespace rg {

// The key per-source limits count by: an IPv4 address (an IPv4-mapped IPv6 one too) as is, an
// IPv6 address by its /64, which one host or subscriber usually holds whole.
std::string address_key(const boost::asio::ip::address& address);

// Runs until the acceptor is closed. `listener` is main or gate.
boost::asio::awaitable<void> accept_loop(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::acceptor& acceptor,
                                         ApiRequest::Listener listener);

}  // namespace rg
