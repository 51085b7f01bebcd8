#pragma once

// The lab's world (issue 18): on loopback, with free ports and a temporary directory, knotd serving
// the lab zone (each region's service names and the application's name, RFC 2136 updates allowed
// under a generated TSIG key), the fault-injecting DNS front before it, one HTTP server per region,
// and the daemon as a child process (`regionguard run` on a generated configuration), so that a
// scenario can SIGKILL it and start it again. Everything it starts stops when it is destroyed.

#include "lab/child_process.h"
#include "lab/dns_fault_proxy.h"
#include "lab/knot_server.h"
#include "lab/moto_server.h"
#include "lab/region_server.h"
#include "lab/temp_dir.h"

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rg::lab {

// The lab's regions, primary first, and the loopback address of each one's application server
// (the application's name points at one of them: a client knows its region by the address).
struct LabRegion {
  std::string name{};
  std::string address{};
};
const std::vector<LabRegion>& lab_regions();

inline constexpr std::string_view lab_zone = "lab";
inline constexpr std::string_view lab_app = "app";  // served as app.lab
inline constexpr std::uint32_t lab_app_ttl = 2;     // the application record's TTL, seconds
// The regional service names (`dynamodb.us-east-1.lab`...). The application is judged by the first
// one and its HTTP check; the others are monitored only (the `partial` scenario breaks one).
const std::vector<std::string>& lab_services();

struct LabOptions {
  std::filesystem::path regionguard{};  // the binary run as the daemon
  std::chrono::seconds cooldown{20};
  std::chrono::seconds failback_after{60};
  bool automatic_failback = true;
  std::string web_root{};  // empty: the daemon's default (a checkout's web/dist, else the installed one)
  // The Route 53 variant: moto_server holds the application's record in a hosted zone, and the
  // plan's route53 step moves it there instead of the RFC 2136 update of knotd (no verify_dns:
  // moto serves no DNS). knotd still serves the regional service names the daemon probes.
  bool route53 = false;
};

class LabWorld {
 public:
  // Starts knotd, the DNS front and the regional servers (and with `route53`, moto_server with the
  // hosted zone) and writes the daemon's configuration; the daemon starts with start_daemon().
  // Throws std::runtime_error when something cannot start (knotd or moto_server missing: with the
  // command that installs it).
  explicit LabWorld(LabOptions options);
  ~LabWorld();

  LabWorld(const LabWorld&) = delete;
  LabWorld& operator=(const LabWorld&) = delete;

  // Starts `regionguard run -c CONFIG` and waits (at most `timeout`) until its API is ready.
  void start_daemon(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void kill_daemon();  // SIGKILL, as a crash: no shutdown, the journal as the crash left it
  void stop_daemon();  // SIGTERM, and wait
  bool daemon_running();
  std::filesystem::path daemon_log() const { return dir_.path() / "regionguard.log"; }

  // A fault, in the words of `regionguard lab fault`: REGION DNSFAULT [MS], NAME DNSFAULT [MS],
  // all DNSFAULT [MS], app REGION HTTPFAULT [MS]. The DNS faults: ok, empty, nxdomain, servfail,
  // drop, delay, loss; the HTTP ones: ok, http-500, hang, slow. Returns what was done, or why not.
  std::expected<std::string, std::string> apply_fault(const std::vector<std::string>& words);

  DnsFaultProxy& dns_front() { return *proxy_; }
  KnotServer& knot() { return *knot_; }
  RegionServer& region_server(std::string_view region);
  // The region whose application server listens on `address`, or "" if none.
  std::string region_of_address(std::string_view address) const;

  std::string app_name() const;  // "app.lab"
  // The Route 53 variant's moto_server, or nullptr; the hosted zone's bare id (no "/hostedzone/").
  MotoServer* moto() { return moto_.get(); }
  const std::string& route53_zone_id() const { return zone_id_; }
  std::uint16_t api_port() const { return api_port_; }
  const std::string& token() const { return token_; }
  std::string dashboard_url() const;
  const std::filesystem::path& config_file() const { return config_file_; }
  const std::filesystem::path& directory() const { return dir_.path(); }

 private:
  void write_config();
  void create_route53_zone();

  LabOptions options_;
  TempDir dir_;
  std::string tsig_secret_;
  std::string token_;
  std::unique_ptr<KnotServer> knot_;
  std::unique_ptr<DnsFaultProxy> proxy_;
  std::vector<std::unique_ptr<RegionServer>> servers_;
  std::unique_ptr<MotoServer> moto_;
  std::string zone_id_;
  std::uint16_t api_port_ = 0;
  std::filesystem::path config_file_;
  std::unique_ptr<ChildProcess> daemon_;
};

// A random secret of `bytes` bytes in base64 (the TSIG key, the API token).
std::string random_base64(std::size_t bytes);

}  // namespace rg::lab
