#include "probe/dns_prober.h"

#include <fmt/format.h>

#include <algorithm>

#include "dns/message_reader.h"
#include "dns/rcode.h"

namespace rg {
namespace {

FailureKind failure_for_rcode(int rcode) {
  switch (rcode) {
    case 2: return FailureKind::servfail;
    case 3: return FailureKind::nxdomain;
    case 5: return FailureKind::refused;
    default: return FailureKind::malformed;  // FORMERR, NOTIMP and the rest: the server did not answer the question
  }
}

// A failed probe names the rcodes of RFC 1035 (0-5), what a resolver answers a query with;
// any other code is shown by its number alone, "rcode (9)".
std::string rcode_text(int rcode) { return rcode >= 0 && rcode <= 5 ? dns::rcode_name(rcode) : "rcode"; }

void fail(ProbeResult& result, FailureKind kind, std::string error) {
  result.success = false;
  result.failure = kind;
  result.error = std::move(error);
}

FailureKind failure_for_status(int status) {
  switch (status) {
    case ARES_ETIMEOUT: return FailureKind::timeout;
    case ARES_EBADRESP: return FailureKind::malformed;
    case ARES_ESERVFAIL: return FailureKind::servfail;
    case ARES_ENOTFOUND: return FailureKind::nxdomain;
    case ARES_EREFUSED: return FailureKind::refused;
    case ARES_ENODATA: return FailureKind::nodata;
    case ARES_EFORMERR: case ARES_ENOTIMP: case ARES_EBADNAME: case ARES_EBADQUERY: return FailureKind::malformed;
    default: return FailureKind::network;  // ECONNREFUSED, ECANCELLED, ENOMEM, EOF, ...
  }
}

}  // namespace

void judge_dns_answer(const DnsProbeOptions& options, int ares_status, std::span<const unsigned char> packet,
                      ProbeResult& result) {
  if (ares_status != ARES_SUCCESS) {
    fail(result, failure_for_status(ares_status), std::string(ares_strerror(ares_status)));
    return;
  }
  auto response = dns::parse_response(packet);
  if (!response) {
    fail(result, FailureKind::malformed, "malformed response: " + response.error());
    return;
  }
  result.rcode = response->rcode;
  result.answers = std::move(response->answers);
  if (response->rcode != 0) {
    fail(result, failure_for_rcode(response->rcode), fmt::format("{} ({})", rcode_text(response->rcode), response->rcode));
    return;
  }
  const auto& type = options.record_type.name;
  const auto matching = std::count_if(result.answers.begin(), result.answers.end(),
                                      [&](const DnsAnswer& a) { return a.type == type; });
  if (matching == 0 && options.min_answers > 0) {
    fail(result, FailureKind::nodata,
         response->truncated ? fmt::format("truncated answer with no {} records and TCP fallback off", type)
                             : fmt::format("NOERROR with no {} records", type));
    return;
  }
  if (matching < options.min_answers) {
    fail(result, FailureKind::too_few_answers,
         fmt::format("{} {} records, expected at least {}", matching, type, options.min_answers));
    return;
  }
  if (!options.expected_addresses.empty()) {
    for (const auto& answer : result.answers) {
      if (answer.type != "A" && answer.type != "AAAA") continue;
      const bool expected = std::any_of(options.expected_addresses.begin(), options.expected_addresses.end(),
                                        [&](const Cidr& c) { return c.contains(answer.data); });
      if (!expected) {
        fail(result, FailureKind::answer_mismatch, fmt::format("{} is not in the expected addresses", answer.data));
        return;
      }
    }
  }
  result.success = true;
  result.failure = FailureKind::none;
}

CaresChannel& DnsProber::channel_for(const EndpointConfig& endpoint, bool tcp) {
  if (!tcp) {
    if (auto it = udp_channel_of_.find(&endpoint); it != udp_channel_of_.end()) return *it->second;
  }
  std::vector<std::string> servers;
  for (const auto& r : endpoint.dns.resolvers) servers.push_back(r.to_string());
  ChannelKey key{servers, static_cast<long>(endpoint.timeout.count()), tcp};
  auto& channel = channels_[key];
  if (!channel) {
    // With several servers c-ares tries each in turn; split the timeout so the probe's total stays
    // within the endpoint's timeout.
    const std::chrono::milliseconds per_server =
        endpoint.timeout / static_cast<long>(std::max<std::size_t>(1, endpoint.dns.resolvers.size()));
    channel = std::make_unique<CaresChannel>(
        io_, CaresChannelOptions{endpoint.dns.resolvers, std::max(per_server, std::chrono::milliseconds(1)), tcp});
  }
  if (!tcp) udp_channel_of_.emplace(&endpoint, channel.get());
  return *channel;
}

void DnsProber::start(const EndpointConfig& endpoint, Completion done) {
  struct Probe {
    ProbeResult result;
    std::chrono::steady_clock::time_point started;
    Completion done;
  };
  auto probe = std::make_shared<Probe>();
  probe->result.endpoint_id = endpoint.id;
  probe->result.started_at = now_us();
  probe->started = std::chrono::steady_clock::now();
  probe->done = std::move(done);

  auto finish = [probe, timeout = endpoint.timeout, options = &endpoint.dns](int status,
                                                                             std::span<const unsigned char> answer) {
    probe->result.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - probe->started);
    judge_dns_answer(*options, status, answer, probe->result);
    // The TCP retry has its own timeout; the probe as a whole must still meet the endpoint's.
    if (probe->result.latency > timeout && probe->result.failure != FailureKind::timeout) {
      probe->result.answers.clear();
      fail(probe->result, FailureKind::timeout,
           fmt::format("answered after {} ms, past the {} ms timeout", probe->result.latency.count() / 1000,
                       timeout.count()));
    }
    probe->done(std::move(probe->result));
  };

  const bool tcp_fallback = endpoint.dns.tcp_fallback;
  channel_for(endpoint, false)
      .query(endpoint.hostname, endpoint.dns.record_type.code,
             [this, &endpoint, finish, probe, tcp_fallback](int status, std::span<const unsigned char> answer) {
               if (status == ARES_SUCCESS && tcp_fallback) {
                 if (dns::response_truncated(answer)) {
                   probe->result.used_tcp = true;
                   channel_for(endpoint, true).query(endpoint.hostname, endpoint.dns.record_type.code, finish);
                   return;
                 }
               }
               finish(status, answer);
             });
}

}  // namespace rg
