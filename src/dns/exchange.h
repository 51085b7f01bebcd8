#pragma once
// One DNS exchange on the event loop: the message over UDP, and over TCP when the answer comes
// back truncated (TC), all within one timeout. No retries: the failover's update step verifies by
// querying and polls, which is the retry that matters; re-sending an update blindly is not needed.
// (The prober asks through c-ares instead, probe/cares_channel.h.)
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/message.h"

namespace rg::dns {

struct Server {
  std::string host;  // an IPv4 or IPv6 literal
  std::uint16_t port = 53;
  std::string to_string() const;  // "127.0.0.1:53", "[::1]:53"
};

// The answer (same id, from the server), or why there is none ("timed out after 2000 ms").
using ExchangeCallback = std::function<void(std::expected<Bytes, std::string>)>;
void exchange(boost::asio::any_io_executor executor, Server server, Bytes message, std::chrono::milliseconds timeout,
              ExchangeCallback done);

// One query for (name, type): recursion off to ask an authoritative server itself, on for a
// resolver. The answer parsed, with the id checked.
using QueryCallback = std::function<void(std::expected<Message, std::string>)>;
void query(boost::asio::any_io_executor executor, Server server, std::string_view name, std::uint16_t type,
           bool recursion_desired, std::chrono::milliseconds timeout, QueryCallback done);

// The values of the answer records owned by `name` of `type` (normalized as Record::value).
std::vector<std::string> values_of(const Message& message, std::string_view name, std::uint16_t type);

}  // namespace rg::dns
