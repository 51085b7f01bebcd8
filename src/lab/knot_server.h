#pragma once

#include "lab/child_process.h"
#include "lab/temp_dir.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rg::lab {

// One record in zone-file syntax. `owner` is relative to the zone ("dynamodb.us-east-1",
// "@" for the apex) or absolute ("x.example.test."); `rdata` is written as given ("192.0.2.1",
// "target.example.test.", "\"some text\"").
struct ZoneRecord {
  std::string owner{};
  std::string type{};
  std::string rdata{};
  std::uint32_t ttl = 300;
};

struct TsigKey {
  std::string name{};
  std::string algorithm = "hmac-sha256";
  std::string secret_base64{};
};

struct KnotOptions {
  std::string zone = "example.test.";
  // Besides these the zone always has SOA, NS ns1.<zone> and ns1.<zone> A 127.0.0.1.
  std::vector<ZoneRecord> records{};
  // When set, the zone accepts RFC 2136 updates signed with this key.
  std::optional<TsigKey> update_key{};
};

// A real Knot DNS authoritative server (knotd) serving one zone on 127.0.0.1 and a free port,
// UDP and TCP. All of its files live in a temporary directory owned by the object.
// Missing knotd is an error (with an install hint), never a reason to skip.
class KnotServer {
 public:
  // Starts knotd and waits (at most 10 s) until it answers an SOA query for the zone;
  // throws std::runtime_error with knotd's log tail otherwise.
  explicit KnotServer(KnotOptions options);
  ~KnotServer();  // stops knotd (SIGTERM, then SIGKILL after 3 s) and waits for it

  KnotServer(const KnotServer&) = delete;
  KnotServer& operator=(const KnotServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1"; }
  const std::string& zone() const { return options_.zone; }

  // Rewrites the zone file with these records and a higher SOA serial, reloads the zone
  // (knotc zone-reload) and returns once knotd serves the new serial.
  void replace_records(std::vector<ZoneRecord> records);

  // The SOA serial knotd serves now, if it answers.
  std::optional<std::uint32_t> served_serial() const;

  const std::filesystem::path& directory() const { return dir_.path(); }
  std::filesystem::path log_file() const;

 private:
  std::filesystem::path config_file() const;
  std::filesystem::path zone_file() const;
  std::filesystem::path control_socket() const;
  void write_config() const;
  void write_zone(const std::vector<ZoneRecord>& records, std::uint32_t serial) const;
  // Starts knotd on port_; false if it failed because the port was taken meanwhile.
  bool start(const std::filesystem::path& knotd);
  // nullopt once knotd serves `serial`, else why not: it exited, its log (from byte
  // `log_offset` on) reports a zone error, or the timeout passed.
  std::optional<std::string> wait_until_serving(std::uint32_t serial, std::chrono::milliseconds timeout,
                                                std::uintmax_t log_offset);
  [[noreturn]] void fail(const std::string& what) const;

  KnotOptions options_;
  TempDir dir_;  // declared before process_: knotd stops before its files are removed
  std::uint16_t port_ = 0;
  std::uint32_t serial_ = 1;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace rg::lab
