#pragma once
// Reading the options of HTTP, TCP and calculated checks from an endpoint's mapping. DNS options
// stay in the loader; these kinds are here so each stays small.
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// Keys that only some kinds accept; the loader rejects a key given to a kind that ignores it.
extern const std::vector<std::string_view> dns_only_keys;
extern const std::vector<std::string_view> http_only_keys;
extern const std::vector<std::string_view> tls_keys;  // http and tcp
extern const std::vector<std::string_view> calculated_only_keys;

// The kind named by `kind:`, else the one a `url:` implies (http:// and https:// → http; tcp:// and
// tls:// → tcp), else dns. nullopt after reporting an unknown kind.
std::optional<ProbeKind> read_probe_kind(const Mapping& fields, ErrorList& errors);

// Reports every key of `fields` that `kind` does not use.
void reject_keys_of_other_kinds(const Mapping& fields, ProbeKind kind, ErrorList& errors);

// url (required), method, headers, body, expect_status, match, match_regex, follow_redirects, TLS
// keys. connect_to is returned separately: each address becomes its own endpoint.
void read_http_options(const Mapping& fields, HttpProbeOptions& http, std::vector<std::string>& connect_to,
                       ErrorList& errors);

// url: tcp://host:port or tls://host:port, plus the TLS keys.
void read_tcp_options(const Mapping& fields, TcpProbeOptions& tcp, ErrorList& errors);

// children (ids, checked once every endpoint is known) and healthy_threshold.
void read_calculated_options(const Mapping& fields, CalculatedOptions& calculated, ErrorList& errors);

std::string_view to_string(ProbeKind kind);

}  // namespace rg
