#include "config/aurora_global_reader.h"

#include <algorithm>
#include <cctype>
#include <expected>
#include <set>
#include <vector>

#include "config/failover_plan_reader.h"

namespace rg {
namespace {

const std::vector<std::string_view> aurora_global_keys{"global_cluster", "clusters", "fallback"};
const std::vector<std::string_view> fallback_names{"detach"};

// The RDS rule for global and DB cluster identifiers (CreateGlobalCluster, CreateDBCluster): 1 to
// 63 letters, digits or hyphens, a letter first, no hyphen last and no two in a row.
std::optional<std::string> identifier_problem(std::string_view id) {
  if (id.empty() || id.size() > 63) return "must be 1 to 63 characters";
  if (!std::isalpha(static_cast<unsigned char>(id.front()))) return "must start with a letter";
  if (!std::ranges::all_of(id, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
    return "may hold only letters, digits and hyphens";
  if (id.back() == '-' || id.find("--") != std::string_view::npos) return "may not end with a hyphen or hold two in a row";
  return std::nullopt;
}

struct ClusterArn {
  std::string region;
  std::string account;
  std::string name;
};

// arn:PARTITION:rds:REGION:ACCOUNT:cluster:NAME (the DBClusterArn that DescribeGlobalClusters lists
// its members by), or why not.
std::expected<ClusterArn, std::string> parse_cluster_arn(const std::string& text) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (int i = 0; i < 6; ++i) {
    const auto colon = text.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(text.substr(start));
  constexpr std::string_view shape = "arn:aws:rds:REGION:ACCOUNT:cluster:NAME";
  if (parts.size() != 7 || parts[0] != "arn" || parts[1].empty() || parts[2] != "rds" || parts[5] != "cluster")
    return std::unexpected("is not a DB cluster ARN (" + std::string(shape) + ")");
  if (parts[4].size() != 12 || !std::ranges::all_of(parts[4], [](char c) { return c >= '0' && c <= '9'; }))
    return std::unexpected("has account `" + parts[4] + "`; an account id is 12 digits");
  if (const auto problem = identifier_problem(parts[6]))
    return std::unexpected("names the cluster `" + parts[6] + "`, which " + *problem);
  return ClusterArn{parts[3], parts[4], parts[6]};
}

}  // namespace

std::optional<AuroraGlobalConfig> read_aurora_global(const YamlValue& value, const ApplicationConfig& app,
                                                     ErrorList& errors) {
  const auto fields = read_mapping(value, aurora_global_keys, errors);
  if (!fields) return std::nullopt;
  AuroraGlobalConfig config;
  bool complete = true;
  if (const auto v = fields->require("global_cluster", errors)) {
    const auto id = read_string(*v, errors);
    if (id && identifier_problem(*id)) {
      errors.add(*v, "`" + *id + "` " + *identifier_problem(*id) + " (a GlobalClusterIdentifier)");
      complete = false;
    } else if (id) {
      config.global_cluster = *id;
    } else {
      complete = false;
    }
  } else {
    complete = false;
  }
  if (const auto v = fields->require("clusters", errors)) {
    std::optional<std::string> account;
    std::set<std::string> given;  // regions with a value, good or bad (a bad one is reported already)
    if (const auto mapping = read_open_mapping(*v, errors)) {
      for (const auto& entry : mapping->entries()) {
        given.insert(entry.key);
        if (!check_application_region(entry, app, errors)) continue;
        const auto text = read_string(entry.value, errors);
        if (!text) continue;
        const auto arn = parse_cluster_arn(*text);
        if (!arn) {
          errors.add(entry.value, "`" + *text + "` " + arn.error());
          continue;
        }
        if (arn->region != entry.key) {
          errors.add(entry.value, "`" + *text + "` is a cluster in " + arn->region + ", not in " + entry.key);
          continue;
        }
        // One global database lives in one account.
        if (account && *account != arn->account) {
          errors.add(entry.value, "`" + *text + "` is in account " + arn->account + ", the other clusters in " +
                                      *account + ": a global database's members share its account");
          continue;
        }
        account = arn->account;
        config.clusters[entry.key] = *text;
      }
    }
    // A move may start from or go to any region of the application.
    for (const auto& region : app.regions())
      if (!region.empty() && !given.contains(region))
        errors.add(*v, "needs the member cluster of region " + region);
  } else {
    complete = false;
  }
  if (const auto v = fields->get("fallback")) {
    const auto name = read_string(*v, errors);
    if (name && std::ranges::find(fallback_names, *name) == fallback_names.end())
      errors.add(*v, with_suggestion("must be detach (or left out)", *name, fallback_names));
    else if (name)
      config.fallback_detach = true;
  }
  return complete ? std::optional(config) : std::nullopt;
}

}  // namespace rg
