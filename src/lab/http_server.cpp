#include "lab/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <memory>

namespace rg::lab {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

// One connection: requests are answered in order, keep-alive as the client asks.
asio::awaitable<void> serve(tcp::socket socket, const HttpServer::Handler& handler) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [read_ec, read] = co_await http::async_read(socket, buffer, request, as_result);
    if (read_ec) co_return;
    HttpReply reply;
    try {
      reply = handler(HttpRequest{std::string(request.method_string()), std::string(request.target()), request.body()});
    } catch (const std::exception& e) {
      reply = HttpReply{500, std::string("handler failed: ") + e.what() + "\n"};
    }
    if (reply.hang) {
      // Read on until the client goes away; the server's stop closes the socket too.
      std::array<char, 512> sink{};
      for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), as_result);
        if (ec) co_return;
      }
    }
    if (reply.delay.count() > 0) {
      asio::steady_timer timer(socket.get_executor(), reply.delay);
      co_await timer.async_wait(as_result);
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status), request.version()};
    response.set(http::field::content_type, reply.content_type);
    response.keep_alive(request.keep_alive());
    response.body() = std::move(reply.body);
    response.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(socket, response, as_result);
    if (write_ec || !response.keep_alive()) co_return;
  }
}

}  // namespace

HttpServer::HttpServer(const std::string& address, Handler handler)
    : address_(address), handler_(std::move(handler)), acceptor_(io_) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor_.async_accept(as_result);
          if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
          }
          asio::co_spawn(io_, serve(std::move(socket), handler_), asio::detached);
        }
      },
      asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

HttpServer::~HttpServer() {
  io_.stop();
  thread_.join();
}

std::string HttpServer::url(const std::string& target) const {
  return fmt::format("http://{}:{}{}", address_, port_, target);
}

}  // namespace rg::lab
