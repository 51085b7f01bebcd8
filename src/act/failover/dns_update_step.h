#pragma once
// The traffic step for zones not on Route 53: an RFC 2136 update, signed with TSIG, sent to the
// zone's primary server (BIND, Knot, PowerDNS). Like route53_record_step it remembers the record
// set before changing it, so its undo puts exactly that back.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/dns_update.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"
#include "dns/exchange.h"

namespace rg::act {

struct DnsUpdateTarget {
  dns::Server server;  // the primary that accepts updates
  std::string zone;
  std::string name;
  std::uint16_t type = dns::kTypeA;
  std::uint32_t ttl = 60;
  std::string value;  // the one value the record set gets
  dns::TsigKey key;
  std::chrono::milliseconds query_timeout{std::chrono::seconds(3)};  // one UDP/TCP exchange
};

// Action: read the record set (an authoritative answer from the server itself), then UPDATE it to
// {value}: delete the RRset and add the record in one message. Verify: the server answers with
// exactly {value} (polled with `wait`). Undo: the record set read before (deleted if there was
// none), then waits until served. TSIG times come from `scheduler.wall_now()`. An empty executor
// fails the step with a message (the caller did not give the plan an event loop for DNS).
PlanStep dns_update_step(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, DnsUpdateTarget target,
                         WaitOptions wait);

}  // namespace rg::act
