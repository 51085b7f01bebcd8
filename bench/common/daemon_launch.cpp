#include "common/daemon_launch.h"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <thread>

namespace rg::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::filesystem::path regionguard_beside_bench() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "regionguard";
}

void add_daemon_options(CLI::App& app, DaemonBenchOptions& options) {
  options.regionguard = regionguard_beside_bench();
  app.add_option("--endpoints", options.endpoints, "DNS checks the daemon runs, each every second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--regionguard", options.regionguard, "the regionguard binary")->capture_default_str();
}

bool prepare_daemon_bench(const DaemonBenchOptions& options) {
  if (!std::filesystem::exists(options.regionguard)) {
    std::cerr << "no regionguard binary at " << options.regionguard << " (give --regionguard PATH)\n";
    return false;
  }
  raise_open_file_limit();
  return true;
}

std::vector<rg::test::ZoneRecord> numbered_records(int count) {
  std::vector<rg::test::ZoneRecord> records;
  for (int i = 0; i < count; ++i)
    records.push_back({"ep" + std::to_string(i), "A", "192.0.2." + std::to_string(i % 250 + 1), 60});
  return records;
}

void raise_open_file_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

namespace {
bool ready(std::uint16_t port) {
  try {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> request{http::verb::get, "/readyz", 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response.result_int() == 200;
  } catch (const std::exception&) {
    return false;
  }
}
}  // namespace

bool wait_until_ready(std::uint16_t port, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace rg::bench
