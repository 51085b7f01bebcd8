#pragma once
// Checks on a request's headers that protect the server from clients rather than route it:
// message framing that could smuggle a second request past the parser, Host names a DNS-rebound
// page would send, and the Origin of a WebSocket handshake. Pure functions of header values.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rg {

// RFC 9112 §6.1 and §6.3: a request with Transfer-Encoding must have chunked as its final
// coding, once, and no Content-Length beside it; otherwise its length cannot be known and what
// follows could be read as a second request. `transfer_encodings` holds every Transfer-Encoding
// field's value. nullopt when the framing is sound, else the message of the 400.
std::optional<std::string> framing_problem(const std::vector<std::string_view>& transfer_encodings,
                                           bool has_content_length);

// The names this server answers to in Host: any IP literal (a page from an IP address is that
// address's own origin, so it cannot rebind), `localhost`, the listen address and the configured
// names. A name a rebinding attacker controls is none of these.
class HostAllowlist {
 public:
  HostAllowlist(std::string_view listen_host, const std::vector<std::string>& names);

  // `host` as sent ("dash.example.com:8080", "[::1]:8080", "127.0.0.1"); the port is ignored
  // and the name compared without case. An absent Host (HTTP/1.0) is allowed: browsers always
  // send one.
  bool allows(std::string_view host) const;

 private:
  std::vector<std::string> names_;
};

// The host of a Host value, without port or IPv6 brackets, in lower case.
std::string host_without_port(std::string_view host);

// A browser's WebSocket handshake must come from a page served here: its Origin must be this
// server's scheme ("http" or "https") and the request's own Host, exactly.
bool origin_matches(std::string_view origin, std::string_view scheme, std::string_view host);

}  // namespace rg
