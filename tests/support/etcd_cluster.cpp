#include "support/etcd_cluster.h"

#include "support/free_port.h"

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <stdexcept>
#include <thread>

namespace rg::test {

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr int start_attempts = 3;  // new ports each time another process took one of ours first
constexpr std::string_view install_hint =
    "etcd not found: install etcd-server (scripts/install-deps.sh), or name the binary in RG_ETCD";

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// GET /health on a member; the body, or "" when it does not answer within `timeout`.
std::string health(std::uint16_t port, std::chrono::milliseconds timeout) {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req(http::verb::get, "/health", 11);
    req.set(http::field::host, fmt::format("127.0.0.1:{}", port));
    req.set(http::field::connection, "close");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return res.result_int() == 200 ? res.body() : std::string{};
  } catch (const std::exception&) {
    return {};
  }
}

// The state letter of /proc/PID/stat ('R', 'S', 'T' stopped...), or '?' when it cannot be read.
char process_state(pid_t pid) {
  const std::string stat = read_file(fmt::format("/proc/{}/stat", pid));
  const auto paren = stat.rfind(')');  // the command name may hold spaces and parentheses
  return paren != std::string::npos && paren + 2 < stat.size() ? stat[paren + 2] : '?';
}

}  // namespace

std::filesystem::path find_etcd() {
  if (const char* configured = std::getenv("RG_ETCD"); configured != nullptr && *configured != '\0') return configured;
  const std::array<std::filesystem::path, 2> extra{"/usr/bin", "/usr/local/bin"};
  if (auto found = find_executable("etcd", extra)) return *found;
  throw std::runtime_error(std::string(install_hint));
}

EtcdCluster::EtcdCluster(EtcdClusterOptions options) : options_(options), program_(find_etcd()), dir_("rg-etcd-") {
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    if (start_all()) return;
  }
  throw std::runtime_error(fmt::format("etcd could not bind free ports in {} attempts; log of member 0:\n{}",
                                       start_attempts, log_tail(0)));
}

EtcdCluster::~EtcdCluster() {
  for (auto& member : members_) {
    if (member.process && member.paused) ::kill(member.process->pid(), SIGCONT);
    member.process.reset();  // SIGTERM, then SIGKILL after 3 s
  }
}

bool EtcdCluster::start_all() {
  for (auto& member : members_) member.process.reset();
  members_.clear();
  std::set<std::uint16_t> taken;
  auto fresh_port = [&taken] {
    std::uint16_t port = 0;
    do port = free_port();
    while (!taken.insert(port).second);
    return port;
  };
  const auto attempt_dir = dir_.path() / fmt::format("attempt-{}", fresh_port());
  for (int i = 0; i < options_.members; ++i) {
    Member member;
    member.name = fmt::format("m{}", i);
    member.client_port = fresh_port();
    member.peer_port = fresh_port();
    member.data_dir = attempt_dir / member.name;
    member.log = attempt_dir / (member.name + ".log");
    members_.push_back(std::move(member));
  }
  std::filesystem::create_directories(attempt_dir);
  for (auto& member : members_) launch(member);
  // A member is healthy only once the cluster has a leader, so every member waits on all of them.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  for (int i = 0; i < size(); ++i) {
    while (!healthy(i)) {
      for (int j = 0; j < size(); ++j) {
        if (members_[static_cast<std::size_t>(j)].process->running()) continue;
        if (read_file(members_[static_cast<std::size_t>(j)].log).find("address already in use") != std::string::npos)
          return false;
        throw std::runtime_error(fmt::format("etcd member {} exited with status {} before the cluster was healthy; log:\n{}",
                                             j, members_[static_cast<std::size_t>(j)].process->exit_status().value_or(-1),
                                             log_tail(j)));
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error(fmt::format("etcd member {} was not healthy within {} s; log:\n{}", i,
                                             std::chrono::duration_cast<std::chrono::seconds>(options_.start_timeout).count(),
                                             log_tail(i)));
      std::this_thread::sleep_for(50ms);
    }
  }
  return true;
}

std::string EtcdCluster::initial_cluster() const {
  std::vector<std::string> parts;
  for (const auto& member : members_) parts.push_back(fmt::format("{}=http://127.0.0.1:{}", member.name, member.peer_port));
  return fmt::format("{}", fmt::join(parts, ","));
}

void EtcdCluster::launch(Member& member) {
  const auto client = fmt::format("http://127.0.0.1:{}", member.client_port);
  const auto peer = fmt::format("http://127.0.0.1:{}", member.peer_port);
  // On a restart the data dir already holds the membership and these --initial-* flags are ignored.
  member.process = std::make_unique<ChildProcess>(
      std::vector<std::string>{program_.string(), "--name", member.name, "--data-dir", member.data_dir.string(),
                               "--listen-client-urls", client, "--advertise-client-urls", client,
                               "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                               "--initial-cluster", initial_cluster(), "--initial-cluster-state", "new",
                               "--initial-cluster-token", dir_.path().filename().string(),
                               "--heartbeat-interval", "50", "--election-timeout", "500", "--log-level", "warn"},
      member.log);
  member.paused = false;
}

std::vector<std::string> EtcdCluster::endpoints() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(endpoint(i));
  return out;
}

std::string EtcdCluster::endpoint(int member) const {
  return fmt::format("http://127.0.0.1:{}", members_.at(static_cast<std::size_t>(member)).client_port);
}

void EtcdCluster::stop(int member) {
  auto& m = members_.at(static_cast<std::size_t>(member));
  if (m.paused) resume(member);
  if (m.process) m.process->stop();
}

void EtcdCluster::kill(int member) {
  auto& m = members_.at(static_cast<std::size_t>(member));
  if (!m.process || !m.process->running()) return;
  ::kill(m.process->pid(), SIGKILL);
  m.process->wait();
  m.paused = false;
}

void EtcdCluster::pause(int member) {
  auto& m = members_.at(static_cast<std::size_t>(member));
  if (::kill(m.process->pid(), SIGSTOP) != 0) throw std::runtime_error(fmt::format("cannot pause etcd member {}", member));
  m.paused = true;
  // kill() returns before the signal has stopped every thread: wait until the kernel says "T".
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (process_state(m.process->pid()) != 'T') {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(fmt::format("etcd member {} did not stop after SIGSTOP", member));
    std::this_thread::sleep_for(5ms);
  }
}

void EtcdCluster::resume(int member) {
  auto& m = members_.at(static_cast<std::size_t>(member));
  ::kill(m.process->pid(), SIGCONT);
  m.paused = false;
}

void EtcdCluster::restart(int member) {
  auto& m = members_.at(static_cast<std::size_t>(member));
  if (m.process && m.process->running()) stop(member);
  launch(m);
  wait_healthy(member, options_.start_timeout);
}

bool EtcdCluster::healthy(int member, std::chrono::milliseconds timeout) const {
  const auto body = health(members_.at(static_cast<std::size_t>(member)).client_port, timeout);
  return body.find(R"("health":"true")") != std::string::npos;
}

void EtcdCluster::wait_healthy(int member, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!healthy(member)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(fmt::format("etcd member {} was not healthy within {} ms; log:\n{}", member,
                                           timeout.count(), log_tail(member)));
    std::this_thread::sleep_for(50ms);
  }
}

EtcdctlResult EtcdCluster::etcdctl(const std::vector<std::string>& args) const {
  auto program = program_.parent_path() / "etcdctl";
  if (!std::filesystem::exists(program)) {
    auto found = find_executable("etcdctl");
    if (!found) throw std::runtime_error("etcdctl not found: install etcd-client (scripts/install-deps.sh)");
    program = *found;
  }
  std::vector<std::string> argv{"/usr/bin/env", "ETCDCTL_API=3", program.string(),
                                "--endpoints=" + fmt::format("{}", fmt::join(endpoints(), ","))};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out = dir_.path() / fmt::format("etcdctl-{}.log", free_port());
  const int status = run_command(argv, out);
  return {status, read_file(out)};
}

void EtcdCluster::enable_auth(const std::string& password) const {
  for (const auto& args : {std::vector<std::string>{"user", "add", "root", "--new-user-password=" + password},
                           std::vector<std::string>{"auth", "enable"}}) {
    const auto result = etcdctl(args);
    if (result.status != 0)
      throw std::runtime_error(fmt::format("etcdctl {} failed ({}): {}", args.at(0), result.status, result.output));
  }
}

std::string EtcdCluster::log_tail(int member) const {
  if (member < 0 || member >= size()) return {};
  return file_tail(members_[static_cast<std::size_t>(member)].log, 30);
}

}  // namespace rg::test
