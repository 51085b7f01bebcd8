#include "lab/region_server.h"

#include <fmt/format.h>

namespace rg::lab {

std::string_view to_string(HttpFault fault) {
  switch (fault) {
    case HttpFault::ok:
      return "ok";
    case HttpFault::http_500:
      return "http-500";
    case HttpFault::hang:
      return "hang";
    case HttpFault::slow:
      return "slow";
  }
  return "unknown";
}

std::optional<HttpFault> parse_http_fault(std::string_view text) {
  for (const auto fault : {HttpFault::ok, HttpFault::http_500, HttpFault::hang, HttpFault::slow}) {
    if (text == to_string(fault)) return fault;
  }
  return std::nullopt;
}

RegionServer::RegionServer(std::string region, const std::string& address)
    : region_(std::move(region)),
      server_(std::make_unique<HttpServer>(address, [this](const HttpRequest& request) { return handle(request); })) {}

void RegionServer::set_fault(HttpFault fault, std::chrono::milliseconds slow_delay) {
  const std::scoped_lock lock(mutex_);
  fault_ = fault;
  slow_delay_ = slow_delay;
}

HttpFault RegionServer::fault() const {
  const std::scoped_lock lock(mutex_);
  return fault_;
}

HttpReply RegionServer::handle(const HttpRequest& request) const {
  HttpFault fault;
  std::chrono::milliseconds slow_delay;
  {
    const std::scoped_lock lock(mutex_);
    fault = fault_;
    slow_delay = slow_delay_;
  }
  HttpReply reply;
  switch (fault) {
    case HttpFault::http_500:
      return HttpReply{500, fmt::format("{}: internal server error (lab fault http-500)\n", region_)};
    case HttpFault::hang:
      reply.hang = true;
      return reply;
    case HttpFault::slow:
      reply.delay = slow_delay;
      break;
    case HttpFault::ok:
      break;
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/health") {
    reply.body = fmt::format("healthy {}\n", region_);
  } else if (path == "/") {
    reply.body = fmt::format("region {}\n", region_);
  } else {
    reply.status = 404;
    reply.body = "not found\n";
  }
  return reply;
}

}  // namespace rg::lab
