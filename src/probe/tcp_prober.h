#pragma once
// TCP checks: connect (and, for tls:// targets, complete a TLS handshake) within the timeout.
// Done with curl's CONNECT_ONLY so TCP, TLS and HTTP checks share one engine and one set of
// phase timings and failure kinds.
#include "net/curl_multi.h"
#include "probe/prober.h"

namespace rg {

class TcpProber final : public Prober {
 public:
  explicit TcpProber(CurlMulti& curl) : curl_(curl) {}
  void start(const EndpointConfig& endpoint, Completion done) override;

 private:
  CurlMulti& curl_;
};

}  // namespace rg
