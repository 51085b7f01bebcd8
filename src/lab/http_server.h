#pragma once

// A small HTTP/1.1 server for `regionguard lab`: the two "regional" application servers and the
// lab's control endpoint are each one of these with a handler. It runs its own io_context on its
// own thread (as the DNS fault proxy does), so a handler that asks for a delay, or for an answer
// that never comes (a hung server), holds up only its own connection.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace rg::lab {

struct HttpRequest {
  std::string method{};
  std::string target{};
  std::string body{};
};

struct HttpReply {
  unsigned status = 200;
  std::string body{};
  std::string content_type = "text/plain";
  std::chrono::milliseconds delay{};  // wait this long before answering
  bool hang = false;                  // never answer (the connection stays open until the client gives up)
};

class HttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  // Listens on `address` (a loopback address: "127.0.0.1", "127.0.1.1"...) and a port the kernel
  // picks; the handler runs on the server's thread. Throws std::system_error when it cannot bind.
  HttpServer(const std::string& address, Handler handler);
  ~HttpServer();  // stops at once: connections waiting on a delay or a hang are closed

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& address() const { return address_; }
  std::string url(const std::string& target) const;

 private:
  std::string address_;
  Handler handler_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;  // last member: starts when everything it uses exists
};

}  // namespace rg::lab
