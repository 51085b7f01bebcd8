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
  // `aws` must outlive the probers (it is the Config's).
  Probers(boost::asio::io_context& io, const AwsConfig& aws)
      : dns_(io), curl_(io), http_(curl_), tcp_(curl_), aws_session_(io, curl_, aws), aws_(aws_session_) {}
  // Credentials and AWS clients, for the failover plans and scheduled jobs as well.
  aws::AwsSession& aws_session() { return aws_session_; }

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
  CurlMulti curl_;
  HttpProber http_;
  TcpProber tcp_;
  aws::AwsSession aws_session_;  // credentials and clients, created on the first AWS check
  AwsResourceProber aws_;
};

// Says, once at start-up, which checks run without certificate verification: Route 53 never
// verifies, we do by default, and turning it off should not go unnoticed.
void warn_about_unverified_tls(const Config& config);

}  // namespace rg
