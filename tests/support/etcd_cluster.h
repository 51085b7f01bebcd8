#pragma once

// A real etcd cluster on loopback for tests (issue 17): N members (3 by default), each a child
// process with its own data directory and free client and peer ports, tuned to elect a leader in
// well under a second (--heartbeat-interval 50 --election-timeout 500). Members can be stopped
// (SIGTERM), killed (SIGKILL), paused (SIGSTOP) and resumed, and restarted on the same data dir.
//
// A missing etcd is an error with an install hint, never a reason to skip.

#include "support/child_process.h"
#include "support/temp_dir.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rg::test {

struct EtcdClusterOptions {
  int members = 3;
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);  // a loaded 2-core CI machine
};

// The result of one etcdctl command against the cluster.
struct EtcdctlResult {
  int status = 0;
  std::string output;
};

// Where etcd is; throws std::runtime_error with the install hint when it is nowhere.
std::filesystem::path find_etcd();

class EtcdCluster {
 public:
  // Starts every member and waits until each answers GET /health with {"health":"true"}; throws
  // std::runtime_error (with the members' log tails) when they do not within start_timeout.
  explicit EtcdCluster(EtcdClusterOptions options = {});
  ~EtcdCluster();  // SIGTERM (after SIGCONT for a paused member), then SIGKILL after 3 s

  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  int size() const { return static_cast<int>(members_.size()); }
  // "http://127.0.0.1:PORT" of every member, in member order.
  std::vector<std::string> endpoints() const;
  std::string endpoint(int member) const;

  void stop(int member);    // SIGTERM and wait: the member closes its ports (connections are refused)
  void kill(int member);    // SIGKILL and wait
  void pause(int member);   // SIGSTOP: the ports stay open but nothing answers
  void resume(int member);  // SIGCONT
  // Starts a stopped or killed member again on its data dir and ports, and waits until it is healthy.
  void restart(int member);

  // Whether member `member` answers GET /health with {"health":"true"} within `timeout`.
  bool healthy(int member, std::chrono::milliseconds timeout = std::chrono::seconds(1)) const;
  // Waits until `member` is healthy; throws with its log tail after `timeout`.
  void wait_healthy(int member, std::chrono::milliseconds timeout);

  // Runs etcdctl with `args` against every member (e.g. {"user", "add", ...}).
  EtcdctlResult etcdctl(const std::vector<std::string>& args) const;
  // Creates user root with `password` and turns authentication on; throws when etcdctl fails.
  void enable_auth(const std::string& password) const;

  // The last lines of a member's log, for failure messages.
  std::string log_tail(int member) const;

 private:
  struct Member {
    std::string name;
    std::uint16_t client_port = 0;
    std::uint16_t peer_port = 0;
    std::filesystem::path data_dir;
    std::filesystem::path log;
    std::unique_ptr<ChildProcess> process;
    bool paused = false;
  };
  bool start_all();  // false when a port was taken by someone else meanwhile
  void launch(Member& member);
  std::string initial_cluster() const;

  EtcdClusterOptions options_;
  std::filesystem::path program_;
  TempDir dir_;
  std::vector<Member> members_;
};

}  // namespace rg::test
