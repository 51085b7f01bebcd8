#include "dns/exchange.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <memory>
#include <random>

#include "dns/message_reader.h"
#include "dns/message_writer.h"

namespace rg::dns {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::any_io_executor executor, Server server, Bytes message, std::chrono::milliseconds timeout,
           ExchangeCallback done)
      : udp_(executor), tcp_(executor), timer_(executor), server_(std::move(server)), message_(std::move(message)),
        timeout_(timeout), done_(std::move(done)) {}

  void start() {
    error_code ec;
    const auto address = asio::ip::make_address(server_.host, ec);
    if (ec) return finish(std::unexpected("`" + server_.host + "` is not an IP address"));
    udp_endpoint_ = {address, server_.port};
    tcp_endpoint_ = {address, server_.port};
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this()](error_code e) {
      if (e) return;
      self->finish(std::unexpected(self->server_.to_string() + ": no answer within " +
                                   std::to_string(self->timeout_.count()) + " ms"));
    });
    udp_.open(udp_endpoint_.protocol(), ec);
    if (ec) return finish(std::unexpected("UDP socket: " + ec.message()));
    udp_.async_send_to(asio::buffer(message_), udp_endpoint_, [self = shared_from_this()](error_code e, std::size_t) {
      if (e) return self->finish(std::unexpected(self->server_.to_string() + ": UDP send: " + e.message()));
      self->receive_udp();
    });
  }

 private:
  void receive_udp() {
    udp_.async_receive_from(asio::buffer(buffer_), sender_, [self = shared_from_this()](error_code e, std::size_t n) {
      if (self->finished_) return;
      if (e) return self->finish(std::unexpected(self->server_.to_string() + ": UDP receive: " + e.message()));
      // Anything not from the server or not answering our id is ignored (a late or spoofed answer).
      if (self->sender_ != self->udp_endpoint_ || n < kHeaderSize ||
          read_u16(std::span(self->buffer_)) != read_u16(std::span(self->message_)))
        return self->receive_udp();
      if ((read_u16(std::span(self->buffer_).subspan(2)) & kFlagTc) != 0) return self->start_tcp();
      self->finish(Bytes(self->buffer_.begin(), self->buffer_.begin() + static_cast<std::ptrdiff_t>(n)));
    });
  }

  void start_tcp() {
    tcp_.async_connect(tcp_endpoint_, [self = shared_from_this()](error_code e) {
      if (self->finished_) return;
      if (e) return self->finish(std::unexpected(self->server_.to_string() + ": TCP connect: " + e.message()));
      Writer w;
      w.u16(static_cast<std::uint16_t>(self->message_.size()));
      w.bytes(self->message_);
      self->framed_ = std::move(w.out());
      asio::async_write(self->tcp_, asio::buffer(self->framed_), [self](error_code e2, std::size_t) {
        if (self->finished_) return;
        if (e2) return self->finish(std::unexpected(self->server_.to_string() + ": TCP write: " + e2.message()));
        asio::async_read(self->tcp_, asio::buffer(self->length_), [self](error_code e3, std::size_t) {
          if (self->finished_) return;
          if (e3) return self->finish(std::unexpected(self->server_.to_string() + ": TCP read: " + e3.message()));
          self->answer_.resize(read_u16(std::span(self->length_)));
          asio::async_read(self->tcp_, asio::buffer(self->answer_), [self](error_code e4, std::size_t) {
            if (self->finished_) return;
            if (e4) return self->finish(std::unexpected(self->server_.to_string() + ": TCP read: " + e4.message()));
            self->finish(std::move(self->answer_));
          });
        });
      });
    });
  }

  void finish(std::expected<Bytes, std::string> result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    error_code ignored;
    udp_.close(ignored);
    tcp_.close(ignored);
    // Called from a completion handler, so already on the loop.
    auto done = std::move(done_);
    done(std::move(result));
  }

  asio::ip::udp::socket udp_;
  asio::ip::tcp::socket tcp_;
  asio::steady_timer timer_;
  Server server_;
  Bytes message_;
  std::chrono::milliseconds timeout_;
  ExchangeCallback done_;
  asio::ip::udp::endpoint udp_endpoint_;
  asio::ip::udp::endpoint sender_;
  asio::ip::tcp::endpoint tcp_endpoint_;
  std::array<std::uint8_t, 65535> buffer_{};
  std::array<std::uint8_t, 2> length_{};
  Bytes framed_;
  Bytes answer_;
  bool finished_ = false;
};

}  // namespace

std::string Server::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

void exchange(asio::any_io_executor executor, Server server, Bytes message, std::chrono::milliseconds timeout,
              ExchangeCallback done) {
  auto self = std::make_shared<Exchange>(executor, std::move(server), std::move(message), timeout, std::move(done));
  // Start from the loop, so that even an immediate error reaches `done` from the loop.
  asio::post(executor, [self] { self->start(); });
}

void query(asio::any_io_executor executor, Server server, std::string_view name, std::uint16_t type,
           bool recursion_desired, std::chrono::milliseconds timeout, QueryCallback done) {
  static std::mt19937 ids{std::random_device{}()};
  const auto id = static_cast<std::uint16_t>(ids());
  auto message = build_query(id, name, type, recursion_desired);
  if (!message) {
    asio::post(executor, [done = std::move(done), error = message.error()] { done(std::unexpected(error)); });
    return;
  }
  exchange(executor, server, std::move(*message), timeout,
           [id, server, done = std::move(done)](std::expected<Bytes, std::string> answer) {
             if (!answer) return done(std::unexpected(answer.error()));
             auto parsed = parse_message(*answer);
             if (!parsed) return done(std::unexpected(server.to_string() + ": malformed answer: " + parsed.error()));
             if (parsed->id != id || !parsed->response())
               return done(std::unexpected(server.to_string() + ": not an answer to the query"));
             done(std::move(*parsed));
           });
}

std::vector<std::string> values_of(const Message& message, std::string_view name, std::uint16_t type) {
  std::vector<std::string> values;
  const std::string owner = canonical_name(name);
  for (const auto& record : message.answers)
    if (record.type == type && record.name == owner) values.push_back(record.value);
  return values;
}

}  // namespace rg::dns
