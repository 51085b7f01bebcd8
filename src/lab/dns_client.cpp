#include "lab/dns_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <exception>
#include <optional>

namespace rg::lab::dns {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

using Result = std::expected<Bytes, std::error_code>;

// Errors come back as values (as_tuple), not exceptions: they are expected outcomes here.
constexpr auto as_result = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_udp_message = 65535;

asio::awaitable<Result> exchange_udp(udp::endpoint server, Bytes query) {
  udp::socket socket(co_await asio::this_coro::executor, server.protocol());
  // A connected socket reports ICMP port-unreachable as connection_refused and ignores
  // datagrams from anyone but the server.
  if (auto [ec] = co_await socket.async_connect(server, as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  if (auto [ec, sent] = co_await socket.async_send(asio::buffer(query), as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  Bytes answer(max_udp_message);
  const auto [ec, size] = co_await socket.async_receive(asio::buffer(answer), as_result);
  if (ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  answer.resize(size);
  co_return answer;
}

asio::awaitable<Result> exchange_tcp(tcp::endpoint server, Bytes query) {
  tcp::socket socket(co_await asio::this_coro::executor);
  if (auto [ec] = co_await socket.async_connect(server, as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  // RFC 1035 4.2.2: over TCP each message is preceded by its length in two bytes.
  const std::array<std::uint8_t, 2> length{static_cast<std::uint8_t>(query.size() >> 8),
                                           static_cast<std::uint8_t>(query.size() & 0xff)};
  const std::array<asio::const_buffer, 2> request{asio::buffer(length), asio::buffer(query)};
  if (auto [ec, written] = co_await asio::async_write(socket, request, as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  std::array<std::uint8_t, 2> answer_length{};
  if (auto [ec, read] = co_await asio::async_read(socket, asio::buffer(answer_length), as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  Bytes answer(static_cast<std::size_t>((answer_length[0] << 8) | answer_length[1]));
  if (auto [ec, read] = co_await asio::async_read(socket, asio::buffer(answer), as_result); ec) {
    co_return std::unexpected(std::error_code(ec));
  }
  co_return answer;
}

}  // namespace

Result exchange(Transport transport, const std::string& address, std::uint16_t port,
                std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) {
  asio::io_context io;
  const auto ip = asio::ip::make_address(address);
  Bytes message(query.begin(), query.end());
  std::optional<Result> outcome;
  const auto store = [&outcome](std::exception_ptr error, Result result) {
    if (error) {
      std::rethrow_exception(error);  // a bug, not an I/O outcome
    }
    outcome = std::move(result);
  };
  if (transport == Transport::udp) {
    asio::co_spawn(io, exchange_udp({ip, port}, std::move(message)), store);
  } else {
    asio::co_spawn(io, exchange_tcp({ip, port}, std::move(message)), store);
  }
  // The deadline bounds the whole exchange; an unfinished one is destroyed with `io`.
  io.run_for(timeout);
  if (!outcome) {
    return std::unexpected(std::make_error_code(std::errc::timed_out));
  }
  return std::move(*outcome);
}

}  // namespace rg::lab::dns
