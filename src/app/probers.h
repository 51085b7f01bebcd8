#pragma once
// Every kind of prober on one io_context, registered with a scheduler: what `run` and `probe`
// both need. Calculated checks have no prober; analysis derives them from their children.
#include <boost/asio/io_context.hpp>

#include "net/curl_multi.h"
#include "probe/aws_resource_prober.h"
#include "aws/aws_session.h"
#include "probe/dns_prober.h"
#include "probe/http_prober.h"
#include "probe/probe_scheduler.h"
#include "probe/tcp_prober.h"

namespace rg {

class Probers {
 public:
  // `curl` and `aws` (the HTTP and TCP transfers, and the AWS credentials and clients) are the
  // caller's, shared with whatever else it runs on the loop; they must outlive the probers.
  Probers(boost::asio::io_context& io, CurlMulti& curl, aws::AwsSession& aws)
      : dns_(io), http_(curl), tcp_(curl), aws_(aws) {}

  void register_with(ProbeScheduler& scheduler) {
    scheduler.register_prober(ProbeKind::dns, dns_);
    scheduler.register_prober(ProbeKind::http, http_);
    scheduler.register_prober(ProbeKind::tcp, tcp_);
    for (auto kind : {ProbeKind::ec2, ProbeKind::elb_target_group, ProbeKind::rds, ProbeKind::ecs_service,
                      ProbeKind::autoscaling_group, ProbeKind::cloudwatch_alarm})
      scheduler.register_prober(kind, aws_);
  }

 private:
  DnsProber dns_;
  HttpProber http_;
  TcpProber tcp_;
  AwsResourceProber aws_;
};

// Says, once at start-up, which checks run without certificate verification: Route 53 never
// verifies, we do by default, and turning it off should not go unnoticed.
void warn_about_unverified_tls(const Config& config);

}  // namespace rg
