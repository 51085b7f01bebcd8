#include "app/probers.h"

#include <spdlog/spdlog.h>

namespace rg {

void warn_about_unverified_tls(const Config& config) {
  for (const auto& endpoint : config.endpoints) {
    const bool https = endpoint.kind == ProbeKind::http && endpoint.http.url.starts_with("https://");
    const bool tls = endpoint.kind == ProbeKind::tcp && endpoint.tcp.tls;
    const bool verify = endpoint.kind == ProbeKind::http ? endpoint.http.verify_tls : endpoint.tcp.verify_tls;
    if ((https || tls) && !verify)
      spdlog::warn("{}: TLS certificate verification is off; expiry is still reported", endpoint.id);
  }
}

}  // namespace rg
