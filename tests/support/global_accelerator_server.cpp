#include "support/global_accelerator_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>

#include "support/http_fault_proxy.h"

namespace rg::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kPrefix = "GlobalAccelerator_V20180706.";

void report_exception(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "GlobalAcceleratorServer: %s\n", e.what());
  }
}

std::string error(std::string_view type, std::string_view message) {
  return json{{"__type", type}, {"Message", message}}.dump();
}

json describe(const AcceleratorEndpointGroup& g) {
  json endpoints = json::array();
  for (const auto& e : g.endpoints)
    endpoints.push_back({{"EndpointId", e.id},
                         {"Weight", e.weight},
                         {"HealthState", e.health_state},
                         {"ClientIPPreservationEnabled", e.client_ip_preservation}});
  return {{"EndpointGroup",
           {{"EndpointGroupArn", g.arn},
            {"EndpointGroupRegion", g.region},
            {"EndpointDescriptions", std::move(endpoints)},
            {"TrafficDialPercentage", g.dial},
            {"HealthCheckPort", 443},
            {"HealthCheckProtocol", "TCP"},
            {"HealthCheckIntervalSeconds", 30},
            {"ThresholdCount", 3}}}};
}

}  // namespace

GlobalAcceleratorServer::GlobalAcceleratorServer() : acceptor_(io_) {
  acceptor_.open(tcp::v4());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind({asio::ip::address_v4::loopback(), 0});
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, serve(), report_exception);
  thread_ = std::thread([this] { io_.run(); });
}

GlobalAcceleratorServer::~GlobalAcceleratorServer() {
  io_.stop();
  thread_.join();
}

std::string GlobalAcceleratorServer::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

void GlobalAcceleratorServer::put(AcceleratorEndpointGroup group) {
  std::lock_guard lock(mutex_);
  groups_[group.arn] = std::move(group);
}

std::optional<AcceleratorEndpointGroup> GlobalAcceleratorServer::group(const std::string& arn) const {
  std::lock_guard lock(mutex_);
  const auto found = groups_.find(arn);
  if (found == groups_.end()) return std::nullopt;
  return found->second;
}

std::size_t GlobalAcceleratorServer::mutations() const {
  std::lock_guard lock(mutex_);
  return mutations_;
}

std::size_t GlobalAcceleratorServer::requests(std::string_view operation) const {
  std::lock_guard lock(mutex_);
  const auto found = requests_.find(operation);
  return found == requests_.end() ? 0 : found->second;
}

void GlobalAcceleratorServer::answer_next(std::string operation, std::string body) {
  std::lock_guard lock(mutex_);
  canned_[std::move(operation)] = std::move(body);
}

GlobalAcceleratorServer::Answer GlobalAcceleratorServer::handle(const std::string& target, const std::string& scope_region,
                                                                const std::string& body) {
  std::lock_guard lock(mutex_);
  if (!target.starts_with(kPrefix)) return {400, error("UnknownOperationException", "no X-Amz-Target of this service")};
  const std::string operation = target.substr(kPrefix.size());
  ++requests_[operation];
  if (scope_region != "us-west-2")
    return {400, error("InvalidSignatureException", "Credential should be scoped to a valid region, not '" +
                                                        scope_region + "'; the service is in us-west-2")};
  if (const auto canned = canned_.find(operation); canned != canned_.end()) {
    Answer answer{200, canned->second};
    canned_.erase(canned);
    return answer;
  }
  const json input = json::parse(body, nullptr, false);
  if (!input.is_object() || !input.contains("EndpointGroupArn") || !input["EndpointGroupArn"].is_string())
    return {400, error("InvalidArgumentException", "EndpointGroupArn is required")};
  const auto found = groups_.find(input["EndpointGroupArn"].get<std::string>());
  if (found == groups_.end())
    return {400, error("EndpointGroupNotFoundException", "Endpoint group not found: " + input["EndpointGroupArn"].get<std::string>())};
  AcceleratorEndpointGroup& group = found->second;
  if (operation == "DescribeEndpointGroup") return {200, describe(group).dump()};
  if (operation != "UpdateEndpointGroup") return {400, error("UnknownOperationException", operation)};

  AcceleratorEndpointGroup updated = group;
  if (const auto dial = input.find("TrafficDialPercentage"); dial != input.end()) {
    if (!dial->is_number() || dial->get<double>() < 0 || dial->get<double>() > 100)
      return {400, error("InvalidArgumentException", "TrafficDialPercentage must be from 0 to 100")};
    updated.dial = dial->get<double>();
  }
  if (const auto configurations = input.find("EndpointConfigurations"); configurations != input.end()) {
    // Replaces the endpoints: one left out is gone, a new one is INITIAL until checked.
    updated.endpoints.clear();
    for (const auto& c : *configurations) {
      AcceleratorEndpoint endpoint{c.value("EndpointId", ""), c.value("Weight", 128), "INITIAL",
                                   c.value("ClientIPPreservationEnabled", true)};
      if (endpoint.id.empty() || endpoint.weight < 0 || endpoint.weight > 255)
        return {400, error("InvalidArgumentException", "an endpoint needs an EndpointId and a Weight from 0 to 255")};
      for (const auto& old : group.endpoints)
        if (old.id == endpoint.id) endpoint.health_state = old.health_state;
      updated.endpoints.push_back(std::move(endpoint));
    }
  }
  group = std::move(updated);
  ++mutations_;
  return {200, describe(group).dump()};
}

asio::awaitable<void> GlobalAcceleratorServer::serve() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    asio::co_spawn(io_, serve_connection(std::move(socket)), report_exception);
  }
}

asio::awaitable<void> GlobalAcceleratorServer::serve_connection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(60));
    http::request<http::string_body> request;
    auto [read_ec, read] = co_await http::async_read(stream, buffer, request, nothrow);
    if (read_ec) co_return;
    std::string scope_region;
    if (const auto auth = request.find(http::field::authorization); auth != request.end())
      if (const auto scope = parse_credential_scope(auth->value())) scope_region = scope->region;
    std::string target;
    if (const auto t = request.find("X-Amz-Target"); t != request.end()) target = std::string(t->value());
    const Answer answer = handle(target, scope_region, request.body());
    http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
    response.set(http::field::content_type, "application/x-amz-json-1.1");
    response.set("x-amzn-RequestId", "ga-test-server");
    response.body() = answer.body;
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, response, nothrow);
    if (write_ec || !response.keep_alive()) co_return;
  }
}

}  // namespace rg::test
