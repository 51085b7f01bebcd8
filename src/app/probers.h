#pragma once
// Every kind of prober on one io_context, registered with a scheduler: what `run` and `probe`
// both need. Calculated checks have no prober; analysis derives them from their children.
#include <boost/asio/io_context.hpp>

#include "net/curl_multi.h"
#include "probe/dns_prober.h"
#include "probe/http_prober.h"
#include "probe/probe_scheduler.h"
#include "probe/tcp_prober.h"

namespace rg {

class Probers {
 public:
  explicit Probers(boost::asio::io_context& io) : dns_(io), curl_(io), http_(curl_), tcp_(curl_) {}
  void register_with(ProbeScheduler& scheduler) {
    scheduler.register_prober(ProbeKind::dns, dns_);
    scheduler.register_prober(ProbeKind::http, http_);
    scheduler.register_prober(ProbeKind::tcp, tcp_);
  }

 private:
  DnsProber dns_;
  CurlMulti curl_;
  HttpProber http_;
  TcpProber tcp_;
};

// Says, once at start-up, which checks run without certificate verification: Route 53 never
// verifies, we do by default, and turning it off should not go unnoticed.
void warn_about_unverified_tls(const Config& config);

}  // namespace rg
