#pragma once

// A blocking DNS exchange for tests and fixtures: send one message, wait for one answer.
// It does no retries and no TC fallback, so a test sees exactly what the server sent.

#include "lab/dns_wire.h"

#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <system_error>

namespace rg::lab::dns {

enum class Transport { udp, tcp };

// The raw answer, or an error that compares equal to std::errc::timed_out when nothing
// arrived in time, std::errc::connection_refused when nothing listens, other I/O errors as
// they come.
std::expected<Bytes, std::error_code> exchange(Transport transport, const std::string& address, std::uint16_t port,
                                               std::span<const std::uint8_t> query, std::chrono::milliseconds timeout);

}  // namespace rg::lab::dns
