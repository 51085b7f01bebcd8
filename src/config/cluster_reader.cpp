#include "config/cluster_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "config/duration.h"

namespace rg {
namespace {

const std::vector<std::string_view> cluster_keys{"name", "etcd", "lease_ttl", "advertise_url"};
const std::vector<std::string_view> etcd_keys{"endpoints", "tls", "user", "password", "prefix", "timeout"};
const std::vector<std::string_view> tls_keys{"ca", "cert", "key"};

// The lease must outlast a keep-alive round trip across regions several times over, and a
// leader that cannot renew stops after it: minutes would leave a dead leader in charge too long.
constexpr std::chrono::milliseconds kLeastLeaseTtl{2'000};
constexpr std::chrono::milliseconds kMostLeaseTtl{120'000};

std::string resolve_path(const std::string& path, const std::string& config_file) {
  if (std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(config_file).parent_path() / path).lexically_normal().string();
}

// A name is a key segment in etcd and a label value on /metrics.
bool is_agent_name(std::string_view name) {
  return !name.empty() && name.size() <= 63 && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

void read_endpoints(const YamlValue& value, ClusterConfig& cluster, ErrorList& errors) {
  const auto items = read_list(value, errors);
  if (!items) return;
  if (items->empty()) errors.add(value, "must list at least one etcd client URL");
  for (const auto& item : *items) {
    const auto url = read_string(item, errors);
    if (!url) continue;
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      errors.add(item, "`" + *url + "` is not an etcd client URL (http://host:port or https://host:port)");
      continue;
    }
    cluster.endpoints.push_back(url->ends_with('/') ? url->substr(0, url->size() - 1) : *url);
  }
}

void read_tls(const YamlValue& value, const std::string& config_file, ClusterConfig& cluster, ErrorList& errors) {
  const auto fields = read_mapping(value, tls_keys, errors);
  if (!fields) return;
  const auto path = [&](std::string_view key, std::string& into) {
    if (const auto v = fields->get(key))
      if (const auto text = read_string(*v, errors)) into = resolve_path(*text, config_file);
  };
  path("ca", cluster.ca_file);
  path("cert", cluster.cert_file);
  path("key", cluster.key_file);
  if (cluster.cert_file.empty() != cluster.key_file.empty())
    errors.add(value, "cert and key go together: give both or neither");
}

void read_etcd(const YamlValue& value, const std::string& config_file, ClusterConfig& cluster, ErrorList& errors) {
  const auto fields = read_mapping(value, etcd_keys, errors);
  if (!fields) return;
  if (const auto endpoints = fields->require("endpoints", errors)) read_endpoints(*endpoints, cluster, errors);
  if (const auto tls = fields->get("tls")) read_tls(*tls, config_file, cluster, errors);
  if (const auto user = fields->get("user")) cluster.user = read_string(*user, errors).value_or("");
  if (const auto password = fields->get("password")) cluster.password = read_string(*password, errors).value_or("");
  if (cluster.user.empty() != cluster.password.empty())
    errors.add(value, "user and password go together: give both or neither");
  if (const auto prefix = fields->get("prefix")) {
    if (const auto text = read_string(*prefix, errors)) {
      if (!text->starts_with('/')) errors.add(*prefix, "must start with `/`, e.g. /regionguard/prod/");
      else cluster.prefix = text->ends_with('/') ? *text : *text + '/';
    }
  }
  if (const auto timeout = fields->get("timeout"))
    cluster.timeout = read_positive_duration(*timeout, errors).value_or(cluster.timeout);
}

}  // namespace

std::optional<ClusterConfig> read_cluster_section(const std::optional<YamlValue>& value, const std::string& config_file,
                                                  const ServerConfig& server, ErrorList& errors) {
  if (!value) return std::nullopt;
  const auto fields = read_mapping(*value, cluster_keys, errors);
  if (!fields) return std::nullopt;
  ClusterConfig cluster;
  if (const auto name = fields->require("name", errors)) {
    if (const auto text = read_string(*name, errors)) {
      if (is_agent_name(*text)) cluster.name = *text;
      else errors.add(*name, "`" + *text + "` is not an agent name (letters, digits, `-`, `_`, `.`; at most 63)");
    }
  }
  if (const auto etcd = fields->require("etcd", errors)) read_etcd(*etcd, config_file, cluster, errors);
  if (const auto ttl = fields->get("lease_ttl")) {
    if (const auto duration = read_duration(*ttl, errors)) {
      if (*duration < kLeastLeaseTtl || *duration > kMostLeaseTtl)
        errors.add(*ttl, "must be between " + format_duration(kLeastLeaseTtl) + " and " + format_duration(kMostLeaseTtl));
      else if (*duration % std::chrono::seconds(1) != std::chrono::milliseconds(0))
        errors.add(*ttl, "must be whole seconds (etcd grants leases in seconds)");
      else cluster.lease_ttl = *duration;
    }
  }
  if (cluster.timeout * 2 >= cluster.lease_ttl)
    errors.add(*value, "etcd.timeout (" + format_duration(cluster.timeout) + ") must be under half of lease_ttl (" +
                           format_duration(cluster.lease_ttl) + "): a renewal must be able to fail once and retry");
  if (const auto url = fields->get("advertise_url")) cluster.advertise_url = read_string(*url, errors).value_or("");
  if (cluster.advertise_url.empty())
    cluster.advertise_url = (server.tls ? "https://" : "http://") + server.listen.to_string();
  return cluster;
}

namespace {

// A node written in one canonical way: mappings with their keys sorted, scalars quoted, so flow
// or block style, key order, quoting and comments do not change it.
void canonical(const YAML::Node& node, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out += '"' + node.Scalar() + '"';
      return;
    case YAML::NodeType::Sequence:
      out += '[';
      for (const auto& item : node) {
        canonical(item, out);
        out += ',';
      }
      out += ']';
      return;
    case YAML::NodeType::Map: {
      // Keys are sorted as strings and the values looked up again: moving YAML::Node handles
      // around (as a sort of pairs would) assigns through them and rewrites the document.
      std::vector<std::string> keys;
      for (const auto& entry : node) keys.push_back(entry.first.Scalar());
      std::ranges::sort(keys);
      out += '{';
      for (const auto& key : keys) {
        out += '"' + key + "\":";
        canonical(node[key], out);
        out += ',';
      }
      out += '}';
      return;
    }
    default:
      out += "~";
  }
}

}  // namespace

std::string applications_digest(const Mapping& root) {
  // FNV-1a: it tells agents started with different files apart; it is not a defence against
  // someone forging a digest (they could forge the files too).
  std::uint64_t hash = 1469598103934665603ull;
  std::string text;
  for (const std::string_view section : {"regions", "applications"}) {
    text += section;
    text += '=';
    if (const auto value = root.get(section)) canonical(value->node, text);
    text += ';';
  }
  for (const unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", hash);
}

}  // namespace rg
