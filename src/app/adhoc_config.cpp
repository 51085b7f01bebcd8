#include "app/adhoc_config.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

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

Config make_adhoc_config(const AdhocOptions& options) {
  Config config;
  config.source_file = "(command line)";
  config.interval = options.interval;
  config.timeout = options.timeout;
  config.jitter = Millis{0};
  config.resolvers = options.resolvers;
  std::set<std::string> regions;
  std::set<std::string> services;
  for (const auto& hostname : options.hostnames) {
    auto parts = guess_aws_service_and_region(hostname);
    EndpointConfig endpoint;
    endpoint.hostname = hostname;
    endpoint.id = options.record_type.name == "A" ? hostname : hostname + "/" + options.record_type.name;
    endpoint.service = parts.service;
    endpoint.region = parts.region;
    endpoint.dns.record_type = options.record_type;
    endpoint.dns.resolvers = options.resolvers;
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
