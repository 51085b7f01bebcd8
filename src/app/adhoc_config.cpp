#include "app/adhoc_config.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "config/dns_name.h"
#include "config/target_url.h"

namespace rg {

AwsNameParts guess_aws_service_and_region(const std::string& hostname) {
  static const std::regex region_label("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$");
  std::vector<std::string> labels;
  std::size_t start = 0;
  while (start <= hostname.size()) {
    const auto dot = hostname.find('.', start);
    labels.push_back(hostname.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (std::size_t i = 1; i < labels.size(); ++i) {
    if (!std::regex_match(labels[i], region_label)) continue;
    std::string service;
    for (std::size_t j = 0; j < i; ++j) service += (j ? "_" : "") + labels[j];
    // "streams.dynamodb" reads better as dynamodb_streams, the service's own name.
    if (service == "streams_dynamodb") service = "dynamodb_streams";
    return {service, labels[i]};
  }
  return {"-", "-"};
}

namespace {
// Fills kind, hostname and options from one command-line target; the error says what is wrong.
std::expected<std::string, std::string> describe_target(const std::string& target, const AdhocOptions& options,
                                                        EndpointConfig& endpoint) {
  const auto url = parse_target_url(target);
  if (!url) {
    if (auto problem = dns_name_problem(target)) return std::unexpected(target + ": " + *problem);
    endpoint.kind = ProbeKind::dns;
    endpoint.dns.record_type = options.record_type;
    endpoint.dns.resolvers = options.resolvers;
    endpoint.id = options.record_type.name == "A" ? target : target + "/" + options.record_type.name;
    return target;
  }
  if (url->scheme == "http" || url->scheme == "https") {
    endpoint.kind = ProbeKind::http;
    endpoint.http.url = target;
    endpoint.http.verify_tls = options.verify_tls;
  } else if ((url->scheme == "tcp" || url->scheme == "tls") && url->port != 0) {
    endpoint.kind = ProbeKind::tcp;
    endpoint.tcp = TcpProbeOptions{url->host, url->port, url->scheme == "tls", options.verify_tls, "", 14};
  } else {
    return std::unexpected(target + ": not a DNS name, an http(s):// URL or a tcp://HOST:PORT target");
  }
  endpoint.id = target;
  return url->host;
}
}  // namespace

std::expected<Config, std::string> make_adhoc_config(const AdhocOptions& options) {
  Config config;
  config.source_file = "(command line)";
  config.interval = options.interval;
  config.timeout = options.timeout;
  config.jitter = Millis{0};
  config.resolvers = options.resolvers;
  std::set<std::string> regions;
  std::set<std::string> services;
  for (const auto& target : options.hostnames) {
    EndpointConfig endpoint;
    const auto host = describe_target(target, options, endpoint);
    if (!host) return std::unexpected(host.error());
    const auto parts = guess_aws_service_and_region(*host);
    endpoint.hostname = target;
    endpoint.service = parts.service;
    endpoint.region = parts.region;
    endpoint.interval = options.interval;
    endpoint.timeout = options.timeout;
    if (regions.insert(parts.region).second) config.regions.push_back(parts.region);
    if (services.insert(parts.service).second) {
      ServiceConfig service;
      service.name = parts.service;
      service.display_name = parts.service;
      std::transform(service.display_name.begin(), service.display_name.end(), service.display_name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      config.services.push_back(service);
    }
    config.endpoints.push_back(std::move(endpoint));
  }
  return config;
}

}  // namespace rg
