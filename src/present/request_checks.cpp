#include "present/request_checks.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "core/text.h"

namespace rg {
namespace {

bool is_ip_literal(const std::string& host) {
  std::array<unsigned char, 16> bytes{};
  return inet_pton(AF_INET, host.c_str(), bytes.data()) == 1 || inet_pton(AF_INET6, host.c_str(), bytes.data()) == 1;
}

}  // namespace

std::optional<std::string> framing_problem(const std::vector<std::string_view>& transfer_encodings,
                                           bool has_content_length) {
  if (transfer_encodings.empty()) return std::nullopt;
  if (has_content_length) return "a request may not carry both Transfer-Encoding and Content-Length";
  std::vector<std::string> codings;
  for (const auto field : transfer_encodings) {
    std::string_view rest = field;
    while (true) {
      const auto comma = rest.find(',');
      const auto coding = trim(rest.substr(0, comma));
      if (!coding.empty()) codings.push_back(to_lower(coding));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  if (codings.empty() || codings.back() != "chunked")
    return "Transfer-Encoding must end with chunked (RFC 9112 6.3): the length of this request cannot be known";
  if (std::ranges::count(codings, "chunked") > 1) return "Transfer-Encoding names chunked more than once";
  return std::nullopt;
}

std::string host_without_port(std::string_view host) {
  host = trim(host);
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return to_lower(host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  // One colon separates a port; more than one is a bare IPv6 literal (not valid in Host, but
  // then it is compared whole and refused unless it is an address).
  if (std::ranges::count(host, ':') == 1) host = host.substr(0, host.find(':'));
  std::string name = to_lower(host);
  if (name.ends_with('.')) name.pop_back();
  return name;
}

HostAllowlist::HostAllowlist(std::string_view listen_host, const std::vector<std::string>& names) : names_(names) {
  names_.push_back("localhost");
  names_.push_back(host_without_port(listen_host));
}

bool HostAllowlist::allows(std::string_view host) const {
  if (trim(host).empty()) return true;
  const std::string name = host_without_port(host);
  return is_ip_literal(name) || std::ranges::find(names_, name) != names_.end();
}

bool origin_matches(std::string_view origin, std::string_view scheme, std::string_view host) {
  return !host.empty() && to_lower(origin) == to_lower(std::string(scheme) + "://" + std::string(trim(host)));
}

}  // namespace rg
