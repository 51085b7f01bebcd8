#include "lab/moto_server.h"

#include "lab/free_port.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace rg::lab {

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr int start_attempts = 3;  // a new port each time another process took ours first
constexpr std::string_view install_hint =
    "moto_server not found: install it with `pip install \"moto[server]\"` (it must be on PATH, in "
    "~/.pyenv/versions/*/bin, or named by RG_MOTO_SERVER)";

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// A pyenv shim is a bash script that asks pyenv which interpreter to run: ask pyenv once instead.
std::filesystem::path resolve_pyenv_shim(const std::filesystem::path& shim) {
  if (shim.parent_path().filename() != "shims") return shim;
  std::optional<std::filesystem::path> pyenv = find_executable("pyenv");
  if (!pyenv) {
    const auto root = shim.parent_path().parent_path() / "bin" / "pyenv";
    if (::access(root.c_str(), X_OK) == 0) pyenv = root;
  }
  if (!pyenv) return shim;
  TempDir dir("rg-pyenv-");
  const auto out = dir.path() / "which.txt";
  if (run_command({pyenv->string(), "which", "moto_server"}, out) != 0) return shim;
  const std::filesystem::path real = trim(read_file(out));
  return !real.empty() && ::access(real.c_str(), X_OK) == 0 ? real : shim;
}

MotoReply exchange(std::uint16_t port, std::string_view method, std::string_view target, std::string_view body,
                   std::string_view content_type, std::chrono::milliseconds timeout,
                   std::string_view authorization = {}) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req(http::string_to_verb(method), std::string(target), 11);
  req.set(http::field::host, fmt::format("127.0.0.1:{}", port));
  req.set(http::field::connection, "close");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, content_type);
    req.body() = std::string(body);
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  http::read(stream, buffer, parser);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace

std::filesystem::path find_moto_server() {
  if (const char* configured = std::getenv("RG_MOTO_SERVER"); configured != nullptr && *configured != '\0') {
    if (::access(configured, X_OK) == 0) return configured;
    throw std::runtime_error(fmt::format("RG_MOTO_SERVER={} is not an executable file; {}", configured, install_hint));
  }
  if (auto found = find_executable("moto_server")) return resolve_pyenv_shim(*found);
  std::vector<std::filesystem::path> candidates;
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    std::error_code ec;
    for (const auto& version : std::filesystem::directory_iterator(std::filesystem::path(home) / ".pyenv" / "versions", ec)) {
      candidates.push_back(version.path() / "bin" / "moto_server");
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    if (::access(it->c_str(), X_OK) == 0) return *it;
  }
  throw std::runtime_error(std::string(install_hint));
}

MotoServer::MotoServer(MotoOptions options) : options_(std::move(options)), dir_("rg-moto-") {
  const auto program = find_moto_server();
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    port_ = free_port();
    if (start(program)) return;
  }
  throw std::runtime_error(fmt::format("moto_server could not bind a free port in {} attempts; log:\n{}", start_attempts,
                                       log_tail()));
}

MotoServer::~MotoServer() = default;  // process_ stops moto_server, then dir_ removes its log

std::string MotoServer::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

bool MotoServer::start(const std::filesystem::path& program) {
  // Through env(1), which sets the extra variables and then execs moto_server in its place.
  std::vector<std::string> argv{"/usr/bin/env"};
  for (const auto& [name, value] : options_.env) argv.push_back(name + "=" + value);
  // Werkzeug's request log on stderr is all the log there is; keep it for failures.
  argv.insert(argv.end(), {program.string(), "-H", "127.0.0.1", "-p", std::to_string(port_)});
  const auto log_offset = std::filesystem::exists(log_file()) ? std::filesystem::file_size(log_file()) : 0;
  process_ = std::make_unique<ChildProcess>(argv, log_file());

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) {
      const std::string log = read_file(log_file()).substr(static_cast<std::size_t>(log_offset));
      if (log.find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error(fmt::format("moto_server ({}) exited with status {} before answering; log:\n{}",
                                           program.string(), process_->exit_status().value_or(-1), log_tail()));
    }
    try {
      if (exchange(port_, "GET", "/moto-api/data.json", {}, {}, 2s).status == 200) return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(100ms);
  }
  process_->stop();
  throw std::runtime_error(fmt::format("moto_server ({}) did not answer within {} s; log:\n{}", program.string(),
                                       std::chrono::duration_cast<std::chrono::seconds>(options_.start_timeout).count(),
                                       log_tail()));
}

void MotoServer::reset() {
  const MotoReply reply = request("POST", "/moto-api/reset");
  if (reply.status != 200) {
    throw std::runtime_error(fmt::format("moto reset answered {}: {}\nlog:\n{}", reply.status, reply.body, log_tail()));
  }
}

MotoReply MotoServer::request(std::string_view method, std::string_view target, std::string_view body,
                              std::string_view content_type) {
  return exchange(port_, method, target, body, content_type, 30s);
}

}  // namespace rg::lab

namespace rg::lab {

MotoReply moto_aws_request(std::uint16_t port, std::string_view service, std::string_view method,
                           std::string_view target, std::string_view body) {
  const auto authorization = fmt::format(
      "AWS4-HMAC-SHA256 Credential=lab/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0", service);
  return exchange(port, method, target, body, "text/xml", std::chrono::seconds(30), authorization);
}

}  // namespace rg::lab
