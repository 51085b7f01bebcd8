#include "lab/lab_world.h"

#include "lab/free_port.h"
#include "lab/http_call.h"

#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace rg::lab {

namespace {

using namespace std::chrono_literals;

constexpr std::string_view tsig_key_name = "regionguard-lab";

std::optional<DnsFault> parse_dns_fault(std::string_view text) {
  if (text == "ok") return DnsFault::none;
  if (text == "empty") return DnsFault::nodata;
  for (const auto fault : {DnsFault::nxdomain, DnsFault::servfail, DnsFault::drop, DnsFault::delay, DnsFault::loss}) {
    if (text == to_string(fault)) return fault;
  }
  return std::nullopt;
}

// The number after a fault's name ("300" in "us-east-1 delay 300"), 0 to `max`; `fallback` when
// absent.
std::expected<long, std::string> parse_number(const std::vector<std::string>& words, std::size_t at, long fallback,
                                              long max, std::string_view what) {
  if (words.size() <= at) return fallback;
  try {
    std::size_t used = 0;
    const long value = std::stol(words[at], &used);
    if (used == words[at].size() && value >= 0 && value <= max) return value;
  } catch (const std::exception&) {
  }
  return std::unexpected(fmt::format("'{}': {}, 0 to {}", words[at], what, max));
}

constexpr long max_delay_ms = 600000;

constexpr std::string_view dns_fault_words = "ok, empty, nxdomain, servfail, drop, delay [MS], loss [PERCENT]";

}  // namespace

const std::vector<LabRegion>& lab_regions() {
  static const std::vector<LabRegion> regions{{"us-east-1", "127.0.1.1"}, {"us-west-2", "127.0.2.1"}};
  return regions;
}

const std::vector<std::string>& lab_services() {
  static const std::vector<std::string> services{"dynamodb", "s3"};
  return services;
}

std::string random_base64(std::size_t bytes) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device device;
  std::vector<std::uint8_t> data(bytes);
  for (auto& byte : data) byte = static_cast<std::uint8_t>(device() & 0xff);
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::uint32_t chunk = (std::uint32_t{data[i]} << 16) |
                                (i + 1 < data.size() ? std::uint32_t{data[i + 1]} << 8 : 0) |
                                (i + 2 < data.size() ? std::uint32_t{data[i + 2]} : 0);
    out += alphabet[(chunk >> 18) & 63];
    out += alphabet[(chunk >> 12) & 63];
    out += i + 1 < data.size() ? alphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < data.size() ? alphabet[chunk & 63] : '=';
  }
  return out;
}

LabWorld::LabWorld(LabOptions options) : options_(std::move(options)), dir_("rg-lab-") {
  tsig_secret_ = random_base64(32);
  token_ = "lab-" + random_base64(24);
  std::ranges::replace(token_, '/', '_');
  std::ranges::replace(token_, '+', '-');
  std::vector<ZoneRecord> records;
  const auto& primary = lab_regions().front();
  records.push_back({std::string(lab_app), "A", primary.address, lab_app_ttl});
  for (const auto& region : lab_regions()) {
    for (const auto& service : lab_services()) {
      records.push_back({fmt::format("{}.{}", service, region.name), "A", region.address, 5});
    }
  }
  knot_ = std::make_unique<KnotServer>(KnotOptions{.zone = std::string(lab_zone) + ".",
                                                   .records = std::move(records),
                                                   .update_key = TsigKey{std::string(tsig_key_name), "hmac-sha256",
                                                                         tsig_secret_}});
  proxy_ = std::make_unique<DnsFaultProxy>(knot_->address(), knot_->port());
  for (const auto& region : lab_regions()) {
    try {
      servers_.push_back(std::make_unique<RegionServer>(region.name, region.address));
    } catch (const std::system_error& e) {
      throw std::runtime_error(fmt::format("cannot listen on {} for {}: {} (the lab needs the loopback network "
                                           "127.0.0.0/8, as Linux provides it)",
                                           region.address, region.name, e.what()));
    }
  }
  if (options_.route53) {
    moto_ = std::make_unique<MotoServer>();
    create_route53_zone();
  }
  api_port_ = free_port();
  write_config();
}

// The Route 53 variant's starting point, as an operator would have it: a hosted zone `lab.` whose
// record for the application points at the primary. Plain REST-XML: moto checks no signature.
void LabWorld::create_route53_zone() {
  const auto zone = moto_->aws_request("route53", "POST", "/2013-04-01/hostedzone",
                                       "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                                       "<Name>lab.</Name><CallerReference>regionguard-lab</CallerReference>"
                                       "</CreateHostedZoneRequest>");
  constexpr std::string_view id_prefix = "<Id>/hostedzone/";
  const auto start = zone.body.find(id_prefix);
  const auto end = start == std::string::npos ? start : zone.body.find("</Id>", start);
  if (zone.status != 201 || end == std::string::npos) {
    throw std::runtime_error(fmt::format("moto_server did not create the hosted zone lab. ({}): {}\nlog:\n{}",
                                         zone.status, zone.body, moto_->log_tail()));
  }
  zone_id_ = zone.body.substr(start + id_prefix.size(), end - start - id_prefix.size());
  const auto record = moto_->aws_request(
      "route53", "POST", fmt::format("/2013-04-01/hostedzone/{}/rrset", zone_id_),
      fmt::format("<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                  "<ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>{}.</Name>"
                  "<Type>A</Type><TTL>{}</TTL><ResourceRecords><ResourceRecord><Value>{}</Value></ResourceRecord>"
                  "</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>"
                  "</ChangeResourceRecordSetsRequest>",
                  app_name(), lab_app_ttl, lab_regions().front().address));
  if (record.status != 200) {
    throw std::runtime_error(fmt::format("moto_server did not create the record {} ({}): {}", app_name(),
                                         record.status, record.body));
  }
}

LabWorld::~LabWorld() {
  if (daemon_) daemon_->stop(5s);
}

std::string LabWorld::app_name() const { return fmt::format("{}.{}", lab_app, lab_zone); }

std::string LabWorld::dashboard_url() const { return fmt::format("http://127.0.0.1:{}/", api_port_); }

RegionServer& LabWorld::region_server(std::string_view region) {
  for (auto& server : servers_) {
    if (server->region() == region) return *server;
  }
  throw std::invalid_argument(fmt::format("no lab region {}", region));
}

std::string LabWorld::region_of_address(std::string_view address) const {
  for (const auto& region : lab_regions()) {
    if (region.address == address) return region.name;
  }
  return {};
}

void LabWorld::write_config() {
  config_file_ = dir_.path() / "regionguard.yaml";
  const auto& regions = lab_regions();
  fmt::memory_buffer out;
  auto add = [&out](std::string_view text) { out.append(text); };
  // One-second rounds, as the goals assume; the timeout leaves a slow (300 ms) answer
  // visible as slow rather than as a timeout.
  add(fmt::format("# Written by `regionguard lab`: the lab's world on loopback ({}).\n", dir_.path().string()));
  add("regions: [");
  for (std::size_t i = 0; i < regions.size(); ++i) add(fmt::format("{}{}", i ? ", " : "", regions[i].name));
  add("]\n");
  add(fmt::format("defaults:\n  interval: 1s\n  timeout: 500ms\n  jitter: 100ms\n  resolvers: [\"127.0.0.1:{}\"]\n",
                  proxy_->port()));
  add("services:\n  dynamodb: { priority: critical }\n  s3: { priority: medium }\n  app: { priority: high }\n");
  add("endpoints:\n");
  for (const auto& region : regions) {
    for (const auto& service : lab_services()) {
      add(fmt::format("  - {{ hostname: {}.{}.{}, service: {}, region: {} }}\n", service, region.name, lab_zone,
                      service, region.name));
    }
    const auto& server = region_server(region.name);
    add(fmt::format("  - {{ id: app-http.{0}, url: \"{1}\", service: app, region: {0}, match: healthy }}\n",
                    region.name, server.url("/health")));
    add(fmt::format("  - {{ id: app-tcp.{0}, url: \"tcp://{1}:{2}\", service: app, region: {0} }}\n", region.name,
                    server.address(), server.port()));
  }
  add(fmt::format("store:\n  path: \"{}\"\n  flush_interval: 100ms\n", (dir_.path() / "history.db").string()));
  add(fmt::format("server:\n  listen: 127.0.0.1:{}\n  token: \"{}\"\n", api_port_, token_));
  if (!options_.web_root.empty()) add(fmt::format("  web_root: \"{}\"\n", options_.web_root));
  add("alerts:\n  group_wait: 0s\n");
  if (moto_) add(fmt::format("aws:\n  endpoint_url: \"{}\"\n", moto_->endpoint()));
  // Latency baselines after 10 probes instead of 30, so latency-creep needs a short warm-up only.
  add("anomaly:\n  min_samples: 10\n");
  // The application: judged in each region by its DynamoDB name and its HTTP check; moved by an
  // RFC 2136 update of app.lab, with the data-plane gate, and verified at knotd itself. The update
  // goes through the DNS front (its question is the zone, `lab`), so a fault on the name `lab`
  // slows or loses it: crash-mid-plan holds it there to kill the daemon in the traffic step.
  const auto& primary = regions.front();
  add(fmt::format("applications:\n  {}:\n    primary: {}\n    secondaries: [", lab_app, primary.name));
  for (std::size_t i = 1; i < regions.size(); ++i) add(fmt::format("{}{}", i > 1 ? ", " : "", regions[i].name));
  add("]\n    checks:\n");
  for (const auto& region : regions) {
    add(fmt::format("      {0}: [dynamodb.{0}.{1}, app-http.{0}]\n", region.name, lab_zone));
  }
  add(fmt::format("    policy:\n      mode: automatic\n      consecutive_failures_threshold: 3\n"
                  "      cooldown: {}s\n      failback_after: {}s\n      automatic_failback: {}\n"
                  "      max_moves_per_hour: 10\n",
                  options_.cooldown.count(), options_.failback_after.count(), options_.automatic_failback));
  if (moto_) {
    // The Route 53 variant: the same move, as a change of moto's record set.
    add(fmt::format("    plan:\n      route53:\n        zone_id: {}\n        name: {}\n        type: A\n"
                    "        ttl: {}\n        values: {{ ",
                    zone_id_, app_name(), lab_app_ttl));
  } else {
    add(fmt::format("    plan:\n      dns_update:\n        server: \"127.0.0.1:{}\"\n        zone: {}\n"
                    "        name: {}\n        type: A\n        ttl: {}\n"
                    "        key: {{ name: {}, algorithm: hmac-sha256, secret: \"{}\" }}\n        values: {{ ",
                    proxy_->port(), lab_zone, app_name(), lab_app_ttl, tsig_key_name, tsig_secret_));
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    add(fmt::format("{}{}: {}", i ? ", " : "", regions[i].name, regions[i].address));
  }
  add(" }\n");
  if (!moto_) {
    add(fmt::format("      verify_dns: {{ name: {}, resolvers: [\"127.0.0.1:{}\"], timeout: 10s }}\n", app_name(),
                    knot_->port()));
  }
  // A short settle: the move completes in seconds, and crash-mid-plan has a plan running to kill.
  add("      gate: true\n      settle: 3s\n");
  std::ofstream file(config_file_, std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  if (!file.flush()) throw std::runtime_error("cannot write " + config_file_.string());
}

void LabWorld::start_daemon(std::chrono::milliseconds timeout) {
  if (daemon_ && daemon_->running()) return;
  std::vector<std::string> argv{options_.regionguard.string(), "run", "--config", config_file_.string()};
  if (moto_) {
    // Through env(1), which execs the daemon in its place: dummy credentials for the credential
    // chain (moto checks no signature), and no wait on an EC2 metadata service that is not there.
    argv.insert(argv.begin(), {"/usr/bin/env", "AWS_ACCESS_KEY_ID=lab", "AWS_SECRET_ACCESS_KEY=lab",
                               "AWS_EC2_METADATA_DISABLED=true"});
  }
  daemon_ = std::make_unique<ChildProcess>(std::move(argv), daemon_log());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!daemon_->running()) {
      throw std::runtime_error(fmt::format("the daemon exited with status {}; its log ({}):\n{}",
                                           daemon_->exit_status().value_or(-1), daemon_log().string(),
                                           file_tail(daemon_log(), 30)));
    }
    const auto ready = http_call("127.0.0.1", api_port_, "/readyz", 500ms);
    if (ready && ready->status == 200) return;
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error(fmt::format("the daemon did not become ready within {} ms; its log ({}):\n{}",
                                       timeout.count(), daemon_log().string(), file_tail(daemon_log(), 30)));
}

void LabWorld::kill_daemon() {
  if (!daemon_ || !daemon_->running()) return;
  ::kill(daemon_->pid(), SIGKILL);
  daemon_->wait();
}

void LabWorld::stop_daemon() {
  if (daemon_) daemon_->stop(5s);
}

bool LabWorld::daemon_running() { return daemon_ && daemon_->running(); }

std::expected<std::string, std::string> LabWorld::apply_fault(const std::vector<std::string>& words) {
  if (words.empty()) return std::unexpected(std::string("which fault? e.g. `us-east-1 empty`, `app us-east-1 http-500`"));
  if (words[0] == "app") {
    if (words.size() < 3) return std::unexpected(std::string("app REGION ok|http-500|hang|slow [MS]"));
    const auto fault = parse_http_fault(words[2]);
    if (!fault) return std::unexpected(fmt::format("'{}': an HTTP fault is ok, http-500, hang or slow [MS]", words[2]));
    const auto delay =
        parse_number(words, 3, RegionServer::default_slow_delay.count(), max_delay_ms, "a delay in milliseconds");
    if (!delay) return std::unexpected(delay.error());
    if (std::ranges::none_of(lab_regions(), [&](const LabRegion& r) { return r.name == words[1]; })) {
      return std::unexpected(fmt::format("'{}': no such lab region (us-east-1, us-west-2)", words[1]));
    }
    region_server(words[1]).set_fault(*fault, std::chrono::milliseconds(*delay));
    return fmt::format("{}'s application server: {}", words[1], to_string(*fault));
  }
  if (words.size() < 2) return std::unexpected(fmt::format("{} {}", words[0], dns_fault_words));
  const auto fault = parse_dns_fault(words[1]);
  if (!fault) return std::unexpected(fmt::format("'{}': a DNS fault is one of {}", words[1], dns_fault_words));
  std::chrono::milliseconds delay{};
  if (*fault == DnsFault::delay) {
    const auto parsed = parse_number(words, 2, 300, max_delay_ms, "a delay in milliseconds");
    if (!parsed) return std::unexpected(parsed.error());
    delay = std::chrono::milliseconds(*parsed);
  } else if (*fault == DnsFault::loss) {
    const auto percent = parse_number(words, 2, 20, 100, "a loss in percent");
    if (!percent) return std::unexpected(percent.error());
    proxy_->set_loss_percent(static_cast<unsigned>(*percent));
    delay = 50ms;  // jitter: each answer that gets through waits 0 to 50 ms
  }
  const auto region =
      std::ranges::find_if(lab_regions(), [&](const LabRegion& r) { return r.name == words[0]; });
  if (words[0] == "all") {
    proxy_->clear();
    proxy_->set_fault(*fault, delay);
    return fmt::format("every DNS name: {}", words[1]);
  }
  if (region != lab_regions().end()) {
    for (const auto& service : lab_services()) {
      const auto name = fmt::format("{}.{}.{}", service, region->name, lab_zone);
      if (*fault == DnsFault::none) {
        proxy_->clear_for(name);
      } else {
        proxy_->set_fault_for(name, *fault, delay);
      }
    }
    return fmt::format("DNS names of {}: {}", region->name, words[1]);
  }
  const std::string suffix = fmt::format(".{}", lab_zone);
  std::string name = words[0];
  if (!name.empty() && name.back() == '.') name.pop_back();
  // A name in the zone, or the zone itself (an RFC 2136 update's question is the zone).
  if (name != lab_zone && (name.size() <= suffix.size() || !name.ends_with(suffix))) {
    return std::unexpected(fmt::format("'{}': a lab region (us-east-1, us-west-2), `all`, `app`, or a name in {}.",
                                       words[0], lab_zone));
  }
  if (*fault == DnsFault::none) {
    proxy_->clear_for(name);
  } else {
    proxy_->set_fault_for(name, *fault, delay);
  }
  return fmt::format("{}: {}", name, words[1]);
}

}  // namespace rg::lab
