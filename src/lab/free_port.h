#pragma once

#include <cstdint>

namespace rg::lab {

// A port on 127.0.0.1 that is free for both UDP and TCP at the time of the call (DNS servers
// need both). Another process may take it before the caller binds it, so fixtures that start
// a server on it retry with a new port when the bind fails.
std::uint16_t free_port();

}  // namespace rg::lab
