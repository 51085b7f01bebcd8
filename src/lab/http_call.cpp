#include "lab/http_call.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

namespace rg::lab {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

std::expected<HttpAnswer, std::string> http_call(const std::string& address, std::uint16_t port,
                                                 const std::string& target, std::chrono::milliseconds timeout,
                                                 const std::string& method, const std::string& body,
                                                 const std::string& token) {
  asio::io_context io;
  tcp::socket socket(io);
  error_code address_ec;
  const auto ip = asio::ip::make_address(address, address_ec);
  if (address_ec) return std::unexpected(fmt::format("bad address {}", address));

  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, fmt::format("{}:{}", address, port));
  request.set(http::field::connection, "close");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() || method != "GET") {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
  }
  http::response<http::string_body> response;
  boost::beast::flat_buffer buffer;
  error_code result = asio::error::timed_out;
  socket.async_connect(tcp::endpoint(ip, port), [&](error_code connect_ec) {
    if (connect_ec) {
      result = connect_ec;
      return;
    }
    http::async_write(socket, request, [&](error_code write_ec, std::size_t) {
      if (write_ec) {
        result = write_ec;
        return;
      }
      http::async_read(socket, buffer, response, [&](error_code read_ec, std::size_t) { result = read_ec; });
    });
  });
  io.run_for(timeout);
  if (!io.stopped()) {
    // The deadline passed with work pending: close, and let the handlers finish with an error.
    error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();
    return std::unexpected(std::string("timed out"));
  }
  if (result) return std::unexpected(result.message());
  return HttpAnswer{static_cast<unsigned>(response.result_int()), std::move(response.body())};
}

}  // namespace rg::lab
