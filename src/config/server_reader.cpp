#include "config/server_reader.h"

#include <algorithm>
#include <filesystem>

#include "config/dns_name.h"
#include "config/duration.h"
#include "config/install_paths.h"

namespace rg {

const std::vector<std::string_view> server_keys{
    "listen",         "tls",         "token",          "token_file",       "auth_reads",
    "web_root",       "max_clients", "max_clients_per_address", "header_timeout", "websocket_max_age",
    "allowed_hosts",  "gate_listen", "gate_max_clients", "gate_allow"};

namespace {

const std::vector<std::string_view> tls_file_keys{"cert", "key"};
constexpr int kMaxClients = 100'000;
constexpr Millis kMaxHeaderTimeout{5 * 60'000};
// A bearer token is a secret: shorter ones are guessable over a fast loopback connection.
constexpr std::size_t kMinTokenLength = 16;

std::string resolve_path(const std::string& path, const std::string& config_file) {
  if (std::filesystem::path(path).is_absolute()) return path;
  const std::filesystem::path directory = std::filesystem::path(config_file).parent_path();
  return (directory / path).lexically_normal().string();
}

// RFC 6750 b64token: the characters a client can put after "Bearer " without quoting.
bool is_b64token(std::string_view token) {
  const auto body_end = token.find_last_not_of('=');
  if (body_end == std::string_view::npos) return false;
  return std::ranges::all_of(token.substr(0, body_end + 1), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-._~+/").contains(c);
  });
}

std::optional<int> read_client_count(const YamlValue& value, int most, std::string_view most_text, ErrorList& errors) {
  const auto count = read_int(value, errors);
  if (count && (*count < 1 || *count > most)) {
    errors.add(value, "must be between 1 and " + std::string(most_text));
    return std::nullopt;
  }
  return count;
}

std::optional<Millis> read_duration_between(const YamlValue& value, Millis least, Millis most, ErrorList& errors) {
  const auto duration = read_duration(value, errors);
  if (duration && (*duration < least || *duration > most)) {
    errors.add(value, "must be between " + format_duration(least) + " and " + format_duration(most));
    return std::nullopt;
  }
  return duration;
}

// Host names as a client sends them in Host, without a port: checked as DNS names, kept in
// lower case (Host is compared case-insensitively).
std::vector<std::string> read_host_names(const YamlValue& value, ErrorList& errors) {
  std::vector<std::string> names;
  for (const auto& item : read_list(value, errors).value_or(std::vector<YamlValue>{})) {
    const auto name = read_string(item, errors);
    if (!name) continue;
    if (const auto problem = dns_name_problem(*name)) {
      errors.add(item, "`" + *name + "` " + *problem + "; give host names without a port");
      continue;
    }
    std::string lower = *name;
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.ends_with('.')) lower.pop_back();
    names.push_back(std::move(lower));
  }
  return names;
}

std::vector<Cidr> read_cidrs(const YamlValue& value, ErrorList& errors) {
  std::vector<Cidr> ranges;
  for (const auto& item : read_list(value, errors).value_or(std::vector<YamlValue>{})) {
    const auto text = read_string(item, errors);
    if (!text) continue;
    auto range = parse_cidr(*text);
    if (!range) {
      errors.add(item, range.error());
      continue;
    }
    ranges.push_back(*range);
  }
  return ranges;
}

std::optional<NetworkAddress> read_listen(const YamlValue& value, ErrorList& errors) {
  const auto text = read_string(value, errors);
  if (!text) return std::nullopt;
  const auto address = parse_network_address(*text, 0);
  if (!address) {
    if (address.error().starts_with("invalid port")) {
      errors.add(value, address.error());
    } else {
      errors.add(value, "`" + *text + "` is not IP:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
    }
    return std::nullopt;
  }
  if (address->port == 0) {
    errors.add(value, "`" + *text + "` needs a port, e.g. " + NetworkAddress{address->host, 8080}.to_string());
    return std::nullopt;
  }
  return *address;
}

std::optional<ServerTlsConfig> read_tls(const YamlValue& value, const std::string& config_file, ErrorList& errors) {
  const auto fields = read_mapping(value, tls_file_keys, errors);
  if (!fields) return std::nullopt;
  ServerTlsConfig tls;
  bool complete = true;
  for (const auto& [key, target] : {std::pair{"cert", &tls.cert}, std::pair{"key", &tls.key}}) {
    const auto file = fields->require(key, errors);
    const auto path = file ? read_string(*file, errors) : std::nullopt;
    if (path) *target = resolve_path(*path, config_file);
    complete = complete && path.has_value();
  }
  return complete ? std::optional(tls) : std::nullopt;
}

std::optional<std::string> read_token(const YamlValue& value, ErrorList& errors) {
  const auto token = read_string(value, errors);
  if (!token) return std::nullopt;
  // The messages never repeat the token: check-config output ends up in CI logs.
  if (!is_b64token(*token)) {
    errors.add(value, "may contain only letters, digits and -._~+/ (then = at the end), as a bearer token");
    return std::nullopt;
  }
  if (token->size() < kMinTokenLength) {
    errors.add(value, "must be at least " + std::to_string(kMinTokenLength) + " characters");
    return std::nullopt;
  }
  return token;
}

// web_root left out: a checkout's dashboard build (../web/dist beside config/) when there is one,
// else the installed dashboard, so that /etc/regionguard/regionguard.yaml works without naming it
// and a checkout keeps serving what `cmake --build` just built. Only a stat: nothing is read.
std::string default_web_root(const std::string& config_file) {
  const std::string checkout = resolve_path("../web/dist", config_file);
  std::error_code missing;
  if (std::filesystem::exists(std::filesystem::path(checkout) / "index.html", missing)) return checkout;
  return installed_web_root();
}

}  // namespace

void read_server_section(const std::optional<YamlValue>& value, const std::string& config_file,
                         ServerConfig& server, ErrorList& errors) {
  server.web_root.clear();
  const auto fields = value ? read_mapping(*value, server_keys, errors) : std::nullopt;
  if (value) server.mark = {config_file, std::max(value->mark.line, 0) + 1, std::max(value->mark.column, 0) + 1};
  if (fields) {
    if (const auto listen = fields->get("listen")) server.listen = read_listen(*listen, errors).value_or(server.listen);
    if (const auto tls = fields->get("tls")) server.tls = read_tls(*tls, config_file, errors);
    const auto token = fields->get("token");
    const auto token_file = fields->get("token_file");
    if (token) server.token = read_token(*token, errors).value_or("");
    if (token_file) {
      const auto path = read_string(*token_file, errors);
      if (path && token) {
        errors.add(*token_file, "give either token or token_file, not both");
      } else if (path) {
        server.token_file = resolve_path(*path, config_file);
      }
    }
    if (const auto auth_reads = fields->get("auth_reads")) {
      const auto enabled = read_bool(*auth_reads, errors);
      if (enabled && *enabled && !token && !token_file) {
        errors.add(*auth_reads, "needs server.token or server.token_file");
      } else if (enabled) {
        server.auth_reads = *enabled;
      }
    }
    if (const auto web_root = fields->get("web_root"))
      server.web_root = read_string(*web_root, errors).value_or(server.web_root);
    const std::string most_clients = std::to_string(kMaxClients);
    if (const auto max_clients = fields->get("max_clients"))
      server.max_clients = read_client_count(*max_clients, kMaxClients, most_clients, errors).value_or(server.max_clients);
    if (const auto per_address = fields->get("max_clients_per_address")) {
      server.max_clients_per_address =
          read_client_count(*per_address, server.max_clients, "max_clients (" + std::to_string(server.max_clients) + ")",
                            errors)
              .value_or(server.max_clients_per_address);
    } else {
      server.max_clients_per_address = std::min(server.max_clients_per_address, server.max_clients);
    }
    if (const auto timeout = fields->get("header_timeout"))
      server.header_timeout =
          read_duration_between(*timeout, Millis{1'000}, kMaxHeaderTimeout, errors).value_or(server.header_timeout);
    if (const auto age = fields->get("websocket_max_age"))
      server.websocket_max_age =
          read_duration_between(*age, Millis{1'000}, Millis{7 * 24 * 3'600'000LL}, errors).value_or(server.websocket_max_age);
    if (const auto hosts = fields->get("allowed_hosts")) server.allowed_hosts = read_host_names(*hosts, errors);
    const auto gate_listen = fields->get("gate_listen");
    if (gate_listen) {
      server.gate_listen = read_listen(*gate_listen, errors);
      if (server.gate_listen && *server.gate_listen == server.listen) {
        errors.add(*gate_listen, "must differ from server.listen (leave it out to serve /gate there)");
        server.gate_listen.reset();
      }
    }
    if (const auto gate_clients = fields->get("gate_max_clients"))
      server.gate_max_clients =
          read_client_count(*gate_clients, kMaxClients, most_clients, errors).value_or(server.gate_max_clients);
    if (const auto allow = fields->get("gate_allow")) {
      server.gate_allow = read_cidrs(*allow, errors);
      if (!gate_listen) errors.add(*allow, "needs server.gate_listen (the allowlist applies to the gate's own listener)");
    }
  }
  server.web_root = server.web_root.empty() ? default_web_root(config_file) : resolve_path(server.web_root, config_file);
}

}  // namespace rg
