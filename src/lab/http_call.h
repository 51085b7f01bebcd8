#pragma once

// A blocking HTTP/1.1 request with a deadline, one connection per call: the lab's client uses it
// to reach the regional servers, the scenarios to read the daemon's API, and `lab fault` to reach
// a running lab. Blocking is right here: each caller is a thread that does nothing else meanwhile.

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

namespace rg::lab {

struct HttpAnswer {
  unsigned status = 0;
  std::string body{};
};

// GET when `body` is empty and `method` not given. The error says what failed ("timed out",
// "connection refused"...).
std::expected<HttpAnswer, std::string> http_call(const std::string& address, std::uint16_t port,
                                                 const std::string& target, std::chrono::milliseconds timeout,
                                                 const std::string& method = "GET", const std::string& body = {},
                                                 const std::string& token = {});

}  // namespace rg::lab
