#pragma once

// A Global Accelerator control plane on 127.0.0.1 for the tests: moto has no Global Accelerator
// (/work/shared/notes/moto.md lists none), so this in-memory stand-in keeps endpoint groups and
// answers the two calls regionguard makes, in the JSON 1.1 shapes of the Global Accelerator API
// reference (POST /, X-Amz-Target GlobalAccelerator_V20180706.<Operation>):
//   DescribeEndpointGroup {EndpointGroupArn}            200 {"EndpointGroup": {...}}
//   UpdateEndpointGroup   {EndpointGroupArn, TrafficDialPercentage?, EndpointConfigurations?}
//                         the dial set; EndpointConfigurations *replaces* the endpoints (as on
//                         AWS: an endpoint left out is removed; a new one starts INITIAL)
// Errors as AWS sends them: 400 {"__type": "EndpointGroupNotFoundException", "Message": ...} for
// an unknown group, InvalidArgumentException for a dial outside 0-100 or a weight outside 0-255,
// and InvalidSignatureException for a request not signed for us-west-2, where the real control
// plane is. It checks no signature beyond that scope. Its own io_context on its own thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace rg::test {

struct AcceleratorEndpoint {
  std::string id;
  int weight = 128;
  std::string health_state = "HEALTHY";
  bool client_ip_preservation = true;
};

struct AcceleratorEndpointGroup {
  std::string arn;
  std::string region;
  double dial = 100;
  std::vector<AcceleratorEndpoint> endpoints;
};

class GlobalAcceleratorServer {
 public:
  GlobalAcceleratorServer();
  ~GlobalAcceleratorServer();  // stops the thread; requests in flight get no answer
  GlobalAcceleratorServer(const GlobalAcceleratorServer&) = delete;
  GlobalAcceleratorServer& operator=(const GlobalAcceleratorServer&) = delete;

  std::string endpoint() const;  // "http://127.0.0.1:PORT"

  void put(AcceleratorEndpointGroup group);
  std::optional<AcceleratorEndpointGroup> group(const std::string& arn) const;
  // UpdateEndpointGroup calls that were applied.
  std::size_t mutations() const;
  // Calls of `operation` ("DescribeEndpointGroup") received.
  std::size_t requests(std::string_view operation) const;
  // The next `operation` call gets `body` with status 200 instead of its answer (a malformed one).
  void answer_next(std::string operation, std::string body);

 private:
  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);
  struct Answer {
    unsigned status;
    std::string body;
  };
  Answer handle(const std::string& target, const std::string& scope_region, const std::string& body);

  mutable std::mutex mutex_;  // guards the members up to io_
  std::map<std::string, AcceleratorEndpointGroup> groups_;
  std::map<std::string, std::size_t, std::less<>> requests_;
  std::map<std::string, std::string> canned_;
  std::size_t mutations_ = 0;

  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;  // last: starts when everything it uses exists
};

}  // namespace rg::test
