#include "lab/lab_client.h"

#include "lab/dns_client.h"
#include "lab/dns_wire.h"
#include "lab/http_call.h"

#include <fmt/format.h>

namespace rg::lab {

LabClient::LabClient(LabClientOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

LabClient::~LabClient() {
  stop_ = true;
  thread_.join();
}

std::vector<ClientRequest> LabClient::requests() const {
  const std::scoped_lock lock(mutex_);
  return requests_;
}

std::string LabClient::resolve(std::string& error) {
  const auto now = std::chrono::steady_clock::now();
  if (!cached_address_.empty() && now < cache_expires_) return cached_address_;
  const auto query = dns::make_query(++query_id_, options_.name, dns::type_a, true);
  const auto answer = dns::exchange(dns::Transport::udp, options_.dns_address, options_.dns_port, query,
                                    options_.timeout);
  if (!answer) {
    error = "dns: " + answer.error().message();
    return {};
  }
  const auto message = dns::parse_message(*answer);
  if (!message) {
    error = "dns: unreadable answer";
    return {};
  }
  for (const auto& record : message->answers) {
    if (record.type == dns::type_a) {
      cached_address_ = dns::rdata_text(record);
      cache_expires_ = now + std::chrono::seconds(record.ttl);
      return cached_address_;
    }
  }
  error = fmt::format("dns: no address (rcode {})", message->header.rcode());
  return {};
}

void LabClient::run() {
  auto next = std::chrono::steady_clock::now();
  while (!stop_) {
    ClientRequest request;
    request.at = std::chrono::steady_clock::now();
    std::string error;
    const std::string address = resolve(error);
    if (!address.empty()) {
      const auto port = options_.port_of ? options_.port_of(address) : std::nullopt;
      if (!port) {
        error = fmt::format("http: nothing known at {}", address);
      } else {
        const auto answer = http_call(address, *port, "/", options_.timeout);
        if (!answer) {
          error = "http: " + answer.error();
        } else if (answer->status != 200) {
          error = fmt::format("status {}", answer->status);
        } else if (answer->body.starts_with("region ")) {
          request.ok = true;
          request.region = answer->body.substr(7);
          while (!request.region.empty() && request.region.back() == '\n') request.region.pop_back();
        } else {
          error = "http: unexpected page";
        }
      }
    }
    request.error = std::move(error);
    {
      const std::scoped_lock lock(mutex_);
      requests_.push_back(std::move(request));
    }
    next += options_.every;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // a request that took longer than the period: no burst to catch up
    while (!stop_ && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(next - std::chrono::steady_clock::now(),
                                                                                std::chrono::milliseconds(20)));
    }
  }
}

}  // namespace rg::lab
