#include "probe/tcp_prober.h"

#include <fmt/format.h>

#include "probe/curl_check.h"

namespace rg {

void TcpProber::start(const EndpointConfig& endpoint, Completion done) {
  const auto& options = endpoint.tcp;
  const TlsSettings tls{options.verify_tls, options.ca_file, options.certificate_warning_days};
  const bool v6 = options.host.find(':') != std::string::npos;
  // CONNECT_ONLY stops after the connection is set up: TCP for http://, TCP and TLS for https://.
  const auto url = fmt::format("{}://{}:{}/", options.tls ? "https" : "http",
                               v6 ? "[" + options.host + "]" : options.host, options.port);
  auto transfer = make_check_transfer(endpoint, url, tls);
  curl_easy_setopt(transfer->handle(), CURLOPT_CONNECT_ONLY, 1L);
  run_check(curl_, endpoint, std::move(transfer), tls, [](ProbeResult&, CURLcode) {}, std::move(done));
}

}  // namespace rg
