#pragma once

// How `regionguard lab fault ...` reaches a running `regionguard lab`: the lab serves a small
// control endpoint on a loopback port (POST /fault, a bearer token) and writes where, and the
// token, to a state file only its user can read: $XDG_RUNTIME_DIR/regionguard-lab.json, or
// /tmp/regionguard-lab-UID.json without XDG_RUNTIME_DIR.

#include "lab/http_server.h"
#include "lab/lab_world.h"

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rg::lab {

std::filesystem::path lab_state_file();

// Serves POST /fault ({"words": [...]}) for `world` and writes the state file; the file is
// removed when the object dies.
class LabControl {
 public:
  explicit LabControl(LabWorld& world);
  ~LabControl();

  LabControl(const LabControl&) = delete;
  LabControl& operator=(const LabControl&) = delete;

  std::uint16_t port() const { return server_->port(); }

 private:
  LabWorld& world_;
  std::string token_;
  std::filesystem::path state_file_;
  std::unique_ptr<HttpServer> server_;
};

// Sends a fault to the running lab: what it did, or why not ("no lab is running ...").
std::expected<std::string, std::string> send_fault(const std::vector<std::string>& words);

}  // namespace rg::lab
