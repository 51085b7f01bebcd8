#include "blackbox_client.h"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rg::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using SteadyClock = std::chrono::steady_clock;

std::optional<double> sample(const std::string& body, std::string_view name) {
  const std::string needle = "\n" + std::string(name) + " ";
  const auto at = body.find(needle);
  if (at == std::string::npos) return std::nullopt;
  try {
    return std::stod(body.substr(at + needle.size(), 32));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

asio::awaitable<void> probe_client(asio::ip::tcp::endpoint server, std::string target, SteadyClock::time_point deadline,
                                   std::optional<SteadyClock::duration> period, ProbeTally& tally) {
  try {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(server, asio::use_awaitable);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, server.address().to_string());
    request.keep_alive(true);
    beast::flat_buffer buffer;
    asio::steady_timer pacer(stream.get_executor());
    auto next = SteadyClock::now();
    while (SteadyClock::now() < deadline) {
      if (period) {
        pacer.expires_at(next);
        co_await pacer.async_wait(asio::use_awaitable);
        next += *period;
        if (SteadyClock::now() >= deadline) break;
      }
      co_await http::async_write(stream, request, asio::use_awaitable);
      http::response<http::string_body> response;
      co_await http::async_read(stream, buffer, response, asio::use_awaitable);
      if (!tally.counting) break;  // answered after the window closed
      ++tally.responses;
      const auto& body = response.body();
      if (response.result() == http::status::ok && sample(body, "probe_success") == 1.0) {
        ++tally.successes;
        if (auto d = sample(body, "probe_duration_seconds")) tally.durations_us.push_back(*d * 1e6);
      } else {
        ++tally.failures;
        if (tally.first_failure.empty())
          tally.first_failure = fmt::format("HTTP {}: {}", response.result_int(), body.substr(0, 400));
      }
    }
  } catch (const std::exception& e) {
    ++tally.failures;
    if (tally.first_failure.empty()) tally.first_failure = e.what();
  }
}

}  // namespace rg::bench
