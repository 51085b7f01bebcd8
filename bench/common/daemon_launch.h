#pragma once
// What the benches that run `regionguard run` themselves share: their common options, where the
// binary is by default, a zone for the daemon to probe, room for thousands of client sockets in
// the bench process, and waiting for /readyz.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "support/knot_server.h"

namespace rg::bench {

struct DaemonBenchOptions {
  int endpoints = 21;                     // DNS checks the daemon runs every second
  std::filesystem::path regionguard;      // default: regionguard_beside_bench()
};

// Adds --endpoints and --regionguard to a bench's command line.
void add_daemon_options(CLI::App& app, DaemonBenchOptions& options);

// After parsing: false, having said why on stderr, when there is no regionguard binary; else
// raises the open-file limit for the bench's client sockets.
bool prepare_daemon_bench(const DaemonBenchOptions& options);

// `count` A records ep0 ... ep{count-1} for the zone bench.test.
std::vector<rg::test::ZoneRecord> numbered_records(int count);

// ../regionguard next to the running bench binary (build/<preset>/bench/NAME).
std::filesystem::path regionguard_beside_bench();

// Raises this process's open-file limit to its hard limit: the bench holds every client socket.
void raise_open_file_limit();

// Polls GET /readyz on 127.0.0.1:`port` until it answers 200 or `timeout` passes.
bool wait_until_ready(std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace rg::bench
