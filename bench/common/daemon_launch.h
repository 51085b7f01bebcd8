#pragma once
// What the benches that run `regionguard run` themselves share: where the binary is by default,
// room for thousands of client sockets in the bench process, and waiting for /readyz.
#include <chrono>
#include <cstdint>
#include <filesystem>

namespace rg::bench {

// ../regionguard next to the running bench binary (build/<preset>/bench/NAME).
std::filesystem::path regionguard_beside_bench();

// Raises this process's open-file limit to its hard limit: the bench holds every client socket.
void raise_open_file_limit();

// Polls GET /readyz on 127.0.0.1:`port` until it answers 200 or `timeout` passes.
bool wait_until_ready(std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace rg::bench
