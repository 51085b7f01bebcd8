#include "lab/knot_server.h"

#include "lab/dns_client.h"
#include "lab/dns_wire.h"
#include "lab/free_port.h"

#include <grp.h>
#include <pwd.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace rg::lab {

namespace {

using namespace std::chrono_literals;

constexpr auto start_timeout = 10s;
constexpr auto reload_timeout = 10s;
constexpr auto soa_query_timeout = 200ms;
constexpr int start_attempts = 3;  // a new port each time another process took ours first

// Debian installs knotd and knotc in /usr/sbin, which a non-root PATH often lacks.
const std::array<std::filesystem::path, 3> sbin_dirs{"/usr/sbin", "/sbin", "/usr/local/sbin"};

std::filesystem::path require_program(std::string_view name) {
  if (auto path = find_executable(name, sbin_dirs)) {
    return *path;
  }
  throw std::runtime_error(
      fmt::format("{} not found: install Debian package `knot` (apt-get install knot, or scripts/install-deps.sh)", name));
}

std::string absolute_zone(std::string zone) {
  if (zone.empty() || zone.back() != '.') {
    zone += '.';
  }
  return zone;
}

// knotd switches to the configured user after binding; name the one we already are so it
// works both as root and as an ordinary user.
std::string current_user_and_group() {
  std::array<char, 4096> buffer{};
  passwd user{};
  passwd* user_found = nullptr;
  group grp{};
  group* group_found = nullptr;
  if (::getpwuid_r(::geteuid(), &user, buffer.data(), buffer.size(), &user_found) != 0 || user_found == nullptr) {
    throw std::runtime_error("KnotServer: cannot find the name of the current user");
  }
  std::string result = user.pw_name;
  if (::getgrgid_r(::getegid(), &grp, buffer.data(), buffer.size(), &group_found) != 0 || group_found == nullptr) {
    throw std::runtime_error("KnotServer: cannot find the name of the current group");
  }
  return result + ':' + grp.gr_name;
}

bool is_token(std::string_view text) {
  return !text.empty() && text.find_first_of(" \t\r\n;()\"") == std::string_view::npos;
}

// The end of a text file from byte `offset` on ("" if it cannot be read).
std::string file_text_from(const std::filesystem::path& file, std::uintmax_t offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint16_t next_query_id() {
  static std::atomic<std::uint16_t> id{0x4b44};
  return id.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

KnotServer::KnotServer(KnotOptions options) : options_(std::move(options)), dir_("rg-knot-") {
  options_.zone = absolute_zone(std::move(options_.zone));
  const auto knotd = require_program("knotd");
  // A UNIX socket path holds at most 107 bytes; a deep $TMPDIR would make knotd fail obscurely.
  if (control_socket().string().size() >= sizeof(sockaddr_un::sun_path)) {
    throw std::runtime_error(
        fmt::format("KnotServer: control socket path {} is too long; set a shorter TMPDIR", control_socket().string()));
  }
  for (const char* sub : {"run", "storage", "zones"}) {
    std::filesystem::create_directory(dir_.path() / sub);
  }
  write_zone(options_.records, serial_);
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    port_ = free_port();
    write_config();
    if (start(knotd)) {
      return;
    }
  }
  fail(fmt::format("knotd could not bind a free port in {} attempts", start_attempts));
}

KnotServer::~KnotServer() = default;  // process_ stops knotd, then dir_ removes its files

std::filesystem::path KnotServer::log_file() const { return dir_.path() / "knotd.log"; }
std::filesystem::path KnotServer::config_file() const { return dir_.path() / "knot.conf"; }
std::filesystem::path KnotServer::control_socket() const { return dir_.path() / "run" / "knot.sock"; }

std::filesystem::path KnotServer::zone_file() const {
  return dir_.path() / "zones" / (options_.zone + "zone");  // "example.test.zone"
}

void KnotServer::write_config() const {
  const auto& dir = dir_.path();
  fmt::memory_buffer out;
  // Only what a test needs: one zone, loopback only, no remotes, notify or DNSSEC, so knotd
  // never sends a packet anywhere. Few worker threads keep start-up fast.
  fmt::format_to(std::back_inserter(out),
                 "server:\n"
                 "    rundir: \"{run}\"\n"
                 "    pidfile: \"{run}/knot.pid\"\n"
                 "    user: {user}\n"
                 "    listen: 127.0.0.1@{port}\n"
                 "    udp-workers: 2\n"
                 "    tcp-workers: 2\n"
                 "    background-workers: 1\n"
                 "\n"
                 "control:\n"
                 "    listen: \"{socket}\"\n"
                 "\n"
                 "log:\n"
                 "  - target: stderr\n"
                 "    any: info\n"
                 "\n"
                 "database:\n"
                 "    storage: \"{storage}\"\n"
                 // The LMDB databases reserve their maximum size as address space; the
                 // defaults (20 GiB for the journal) are far more than a test zone needs.
                 "    journal-db-max-size: 256M\n"
                 "    timer-db-max-size: 16M\n"
                 "    kasp-db-max-size: 16M\n"
                 "    catalog-db-max-size: 16M\n"
                 "\n",
                 fmt::arg("run", (dir / "run").string()), fmt::arg("user", current_user_and_group()),
                 fmt::arg("port", port_), fmt::arg("socket", control_socket().string()),
                 fmt::arg("storage", (dir / "storage").string()));
  if (options_.update_key) {
    const TsigKey& key = *options_.update_key;
    fmt::format_to(std::back_inserter(out),
                   "key:\n"
                   "  - id: {name}\n"
                   "    algorithm: {algorithm}\n"
                   "    secret: {secret}\n"
                   "\n"
                   "acl:\n"
                   "  - id: rfc2136_update\n"
                   "    key: {name}\n"
                   "    action: update\n"
                   "\n",
                   fmt::arg("name", key.name), fmt::arg("algorithm", key.algorithm),
                   fmt::arg("secret", key.secret_base64));
  }
  fmt::format_to(std::back_inserter(out),
                 "zone:\n"
                 "  - domain: {zone}\n"
                 "    file: \"{file}\"\n"
                 // knotd must never write the zone file: after an RFC 2136 update it would by
                 // default, in the background, and could overwrite the file replace_records
                 // has just written. Updates stay in memory and in the journal.
                 "    zonefile-sync: -1\n"
                 "{acl}",
                 fmt::arg("zone", options_.zone), fmt::arg("file", zone_file().string()),
                 fmt::arg("acl", options_.update_key ? "    acl: rfc2136_update\n" : ""));
  std::ofstream(config_file()) << std::string_view(out.data(), out.size());
}

void KnotServer::write_zone(const std::vector<ZoneRecord>& records, std::uint32_t serial) const {
  const std::string& zone = options_.zone;
  fmt::memory_buffer out;
  // SOA minimum 60 s: the negative-caching TTL of NXDOMAIN and NODATA answers.
  fmt::format_to(std::back_inserter(out),
                 "$ORIGIN {zone}\n"
                 "$TTL 300\n"
                 "@ 300 IN SOA ns1.{zone} hostmaster.{zone} {serial} 3600 900 604800 60\n"
                 "@ 300 IN NS ns1.{zone}\n"
                 "ns1.{zone} 300 IN A 127.0.0.1\n",
                 fmt::arg("zone", zone), fmt::arg("serial", serial));
  for (const ZoneRecord& record : records) {
    const std::string owner = record.owner.empty() ? "@" : record.owner;
    if (!is_token(owner) || !is_token(record.type) || record.rdata.find('\n') != std::string::npos) {
      throw std::invalid_argument(
          fmt::format("KnotServer: bad zone record '{} {} {}'", record.owner, record.type, record.rdata));
    }
    fmt::format_to(std::back_inserter(out), "{} {} IN {} {}\n", owner, record.ttl, record.type, record.rdata);
  }
  // Write then rename, so knotd never reads a half-written file.
  const auto temporary = zone_file().string() + ".new";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!file.flush()) {
      throw std::runtime_error("KnotServer: cannot write " + temporary);
    }
  }
  std::filesystem::rename(temporary, zone_file());
}

bool KnotServer::start(const std::filesystem::path& knotd) {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{knotd.string(), "-c", config_file().string()},
                                            log_file());
  const auto problem = wait_until_serving(serial_, start_timeout, 0);
  if (!problem) {
    return true;
  }
  if (file_tail(log_file(), 5).find("address already in use") != std::string::npos) {
    process_.reset();  // another process took the port after free_port() chose it
    return false;
  }
  fail(*problem);
}

std::optional<std::uint32_t> KnotServer::served_serial() const {
  const dns::Bytes query = dns::make_query(next_query_id(), options_.zone, dns::type_soa, false);
  const auto answer = dns::exchange(dns::Transport::udp, address(), port_, query, soa_query_timeout);
  if (!answer) {
    return std::nullopt;
  }
  const auto message = dns::parse_message(*answer);
  // Before the zone has loaded knotd answers SERVFAIL.
  if (!message || message->header.rcode() != dns::rcode_noerror) {
    return std::nullopt;
  }
  for (const auto& record : message->answers) {
    if (auto serial = dns::soa_serial(record)) {
      return serial;
    }
  }
  return std::nullopt;
}

std::optional<std::string> KnotServer::wait_until_serving(std::uint32_t serial, std::chrono::milliseconds timeout,
                                                          std::uintmax_t log_offset) {
  // knotd keeps running when the zone does not load, answering SERVFAIL (or the old zone);
  // only its log says so. Zone errors read "error: [example.test.] ...".
  const std::string zone_error = fmt::format("error: [{}]", options_.zone);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) {
      return fmt::format("knotd exited with status {}", process_->exit_status().value_or(-1));
    }
    if (served_serial() == serial) {
      return std::nullopt;
    }
    if (file_text_from(log_file(), log_offset).find(zone_error) != std::string::npos) {
      return fmt::format("knotd could not load zone {} with serial {}", options_.zone, serial);
    }
    // A refused query returns at once; do not spin.
    std::this_thread::sleep_for(20ms);
  }
  return fmt::format("knotd did not serve serial {} of {} on 127.0.0.1@{} within {} s", serial, options_.zone, port_,
                     std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
}

void KnotServer::replace_records(std::vector<ZoneRecord> records) {
  const auto knotc = require_program("knotc");
  // Above both our last serial and the served one, which RFC 2136 updates may have raised.
  const std::uint32_t serial = std::max(serial_, served_serial().value_or(0)) + 1;
  write_zone(records, serial);
  const auto knotc_log = dir_.path() / "knotc.log";
  const std::uintmax_t log_offset = std::filesystem::file_size(log_file());
  // -b: wait until knotd has finished the reload.
  const int status = run_command({knotc.string(), "-c", config_file().string(), "-s", control_socket().string(), "-b",
                                  "zone-reload", options_.zone},
                                 knotc_log);
  if (status != 0) {
    fail(fmt::format("knotc zone-reload of serial {} exited with status {}:\n{}", serial, status,
                     file_tail(knotc_log, 5)));
  }
  if (const auto problem = wait_until_serving(serial, reload_timeout, log_offset)) {
    fail(*problem);
  }
  serial_ = serial;
}

void KnotServer::fail(const std::string& what) const {
  throw std::runtime_error(fmt::format("KnotServer for {}: {}\n--- last lines of {} ---\n{}", options_.zone, what,
                                       log_file().string(), file_tail(log_file())));
}

}  // namespace rg::lab
