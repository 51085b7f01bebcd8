#pragma once
// The part of an HTTP or TCP check that does not depend on the protocol: a transfer with the
// endpoint's timeout, fresh connection, TLS settings and connect address, whose outcome becomes a
// ProbeResult with phases and certificate days.
#include <functional>
#include <memory>

#include "net/curl_multi.h"
#include "probe/prober.h"

namespace rg {

struct TlsSettings {
  bool verify = true;
  std::string ca_file;
  int certificate_warning_days = 14;
};

// A transfer configured with what every check needs; the caller adds the protocol's options.
std::unique_ptr<CurlTransfer> make_check_transfer(const EndpointConfig& endpoint, const std::string& url,
                                                  const TlsSettings& tls);

// Starts the transfer; when it ends, builds the result (latency, phases, failure kind from the
// curl code, certificate) and hands it to `judge` for protocol checks, then to `done`.
void run_check(CurlMulti& curl, const EndpointConfig& endpoint, std::unique_ptr<CurlTransfer> transfer,
               const TlsSettings& tls, std::function<void(ProbeResult&, CURLcode)> judge, Prober::Completion done);

}  // namespace rg
