#pragma once

// moto_server (the Python AWS emulator) as a child process on 127.0.0.1 and a free port, for the
// AWS client's integration tests and `regionguard lab --route53`. See /work/shared/notes/moto.md for what it emulates: it does not
// check signatures, it routes on the SigV4 scope (service and region) of the Authorization header,
// and it keeps state per region until reset().
//
// A missing moto_server is an error with an install hint, never a reason to skip. It is found as
// $RG_MOTO_SERVER, else on $PATH (a pyenv shim is resolved with `pyenv which`, to skip the shim's
// bash start-up), else in ~/.pyenv/versions/*/bin.

#include "lab/child_process.h"
#include "lab/temp_dir.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace rg::lab {

struct MotoOptions {
  // Extra environment for the server, e.g. {"MOTO_ECS_SERVICE_RUNNING", "2"}.
  std::map<std::string, std::string> env{};
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);  // a loaded 2-core CI machine
};

// The answer of one plain HTTP exchange with the server (its /moto-api/).
struct MotoReply {
  int status = 0;
  std::string body{};
};

// One AWS REST request to the moto_server on 127.0.0.1:`port`, with a dummy SigV4 Authorization
// header whose scope names `service` so that moto routes it (moto checks no signature), e.g. Route
// 53's ListResourceRecordSets. Throws on a connection failure.
MotoReply moto_aws_request(std::uint16_t port, std::string_view service, std::string_view method,
                           std::string_view target, std::string_view body = {});

// Where moto_server is; throws std::runtime_error with the install hint when it is nowhere.
std::filesystem::path find_moto_server();

class MotoServer {
 public:
  // Starts moto_server and waits until it answers; throws std::runtime_error (with the log tail)
  // when it cannot be found, does not start, or does not answer within start_timeout.
  explicit MotoServer(MotoOptions options = {});
  ~MotoServer();  // SIGTERM, then SIGKILL after 3 s

  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT"
  std::string endpoint() const;

  // Clears every backend's state (POST /moto-api/reset); throws if moto does not say 200.
  void reset();

  // One request to the server, outside any AWS protocol (the /moto-api/ endpoints).
  MotoReply request(std::string_view method, std::string_view target, std::string_view body = {},
                    std::string_view content_type = "application/json");

  // moto_aws_request() to this server.
  MotoReply aws_request(std::string_view service, std::string_view method, std::string_view target,
                        std::string_view body = {}) {
    return moto_aws_request(port_, service, method, target, body);
  }

  std::filesystem::path log_file() const { return dir_.path() / "moto_server.log"; }
  std::string log_tail(std::size_t lines = 30) const { return file_tail(log_file(), lines); }

 private:
  bool start(const std::filesystem::path& program);

  MotoOptions options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace rg::lab
