#pragma once
// A configuration built from names typed on the command line (`regionguard probe NAME...`), with
// the default thresholds: the quick check an operator runs during an incident.
#include <expected>
#include <string>
#include <vector>

#include "config/config.h"

namespace rg {

struct AdhocOptions {
  // DNS names, http:// and https:// URLs, and tcp://HOST:PORT or tls://HOST:PORT targets.
  std::vector<std::string> hostnames;
  bool verify_tls = true;
  std::vector<NetworkAddress> resolvers;  // empty: the system's
  RecordType record_type;
  Millis timeout{5'000};
  Millis interval{10'000};
};

// The error names the target that is neither a DNS name nor a URL we can check.
std::expected<Config, std::string> make_adhoc_config(const AdhocOptions& options);

// "dynamodb.us-east-1.amazonaws.com" → {"dynamodb", "us-east-1"}; other names → {"-", "-"}.
struct AwsNameParts {
  std::string service;
  std::string region;
};
AwsNameParts guess_aws_service_and_region(const std::string& hostname);

}  // namespace rg
