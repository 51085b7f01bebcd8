#pragma once
// DNS probes over c-ares. Endpoints that share resolvers and timeout share one channel (and so
// one UDP socket per server); the query goes over UDP, and over TCP when the UDP answer is
// truncated and the endpoint allows it.
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "probe/cares_channel.h"
#include "probe/prober.h"

namespace rg {

class DnsProber final : public Prober {
 public:
  explicit DnsProber(boost::asio::io_context& io) : io_(io) {}
  void start(const EndpointConfig& endpoint, Completion done) override;

 private:
  using ChannelKey = std::tuple<std::vector<std::string>, long, bool>;
  CaresChannel& channel_for(const EndpointConfig& endpoint, bool tcp);

  boost::asio::io_context& io_;
  std::map<ChannelKey, std::unique_ptr<CaresChannel>> channels_;
  // Endpoints outlive their probes and do not change (Prober's contract), so each one's UDP
  // channel is looked up by address after the first probe instead of rebuilding the key's
  // strings every time.
  std::unordered_map<const EndpointConfig*, CaresChannel*> udp_channel_of_;
};

// Judges a finished query: the c-ares status, the raw answer and the endpoint's answer checks
// become success or a named failure. Pure, so it is unit-tested with crafted packets.
void judge_dns_answer(const DnsProbeOptions& options, int ares_status, std::span<const unsigned char> packet,
                      ProbeResult& result);

}  // namespace rg
