#include "app/commands/cluster_command.h"

#include <fmt/format.h>

#include <map>
#include <ostream>

#include "app/commands/daemon_client.h"

namespace rg {
namespace {

using nlohmann::json;

std::string text_or(const json& value, std::string_view otherwise) {
  return value.is_string() ? value.get<std::string>() : std::string(otherwise);
}

void print_text(const json& c, std::ostream& out) {
  out << fmt::format("leader: {}{}\n", text_or(c["leader"], "none"),
                     c["leader_api_url"].is_string() ? " (" + c["leader_api_url"].get<std::string>() + ")" : "");
  out << fmt::format("etcd: {}\n", c["etcd"].value("ok", false) ? "answers" : "does not answer: " +
                                                                          c["etcd"].value("problem", std::string()));
  out << "agents:\n";
  for (const auto& a : c["agents"]) {
    const auto age = a["last_round_age_s"];
    out << fmt::format("  {:<20} {:<8} {:<22} {}{}\n", a.value("name", ""), a.value("leader", false) ? "leader" : "follower",
                       age.is_number() ? fmt::format("last round {:.1f} s ago", age.get<double>()) : "no round yet",
                       a.value("agrees", false) ? "same applications" : "DIFFERENT applications " + a.value("digest", ""),
                       a.value("self", false) ? "  (this agent)" : "");
  }
  // application -> vantage -> cells
  std::map<std::string, std::map<std::string, std::vector<const json*>>> matrix;
  for (const auto& v : c["views"]) matrix[v.value("application", "")][v.value("vantage", "")].push_back(&v);
  for (const auto& [application, rows] : matrix) {
    out << fmt::format("{}: who sees what\n", application);
    out << fmt::format("  {:<20}", "vantage");
    for (const auto* cell : rows.begin()->second) out << fmt::format(" {:<16}", cell->value("region", ""));
    out << "\n";
    for (const auto& [vantage, cells] : rows) {
      out << fmt::format("  {:<20}", vantage);
      for (const auto* cell : cells) {
        const auto text = !cell->value("reported", false)
                              ? std::string("no fresh results")
                              : fmt::format("{} {:.0f}", cell->value("failing", false) ? "FAILING" : "ok",
                                            cell->value("score", 0.0));
        out << fmt::format(" {:<16}", text);
      }
      out << "\n";
    }
  }
  for (const auto& warning : c["warnings"]) out << "warning: " << warning.get<std::string>() << "\n";
}

}  // namespace

CLI::App* add_cluster_command(CLI::App& cli, ClusterCommandOptions& options) {
  auto* cluster = cli.add_subcommand("cluster", "Several agents through etcd: show the cluster");
  cluster->require_subcommand(1);
  auto* status = cluster->add_subcommand("status", "Who leads, each agent's last round, who sees what, warnings");
  status->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  status->add_flag("--json", options.json, "Print GET /api/v1/cluster as it is");
  status->callback([&options] { options.action = "status"; });
  return cluster;
}

int run_cluster_command(const Config& config, const ClusterCommandOptions& options, std::ostream& out,
                        std::ostream& err) {
  if (!config.cluster) {
    err << config.source_file << " has no `cluster:` section: this daemon runs alone (README, \"Running several agents\")\n";
    return 2;
  }
  const auto answer = get_from_daemon(config.server, "/api/v1/cluster");
  if (!answer) {
    err << answer.error() << " (is `regionguard run` running with this configuration?)\n";
    return 2;
  }
  if (answer->status != 200 || !answer->body.is_object()) {
    err << "the daemon answered HTTP " << answer->status << ": " << answer->body.dump() << "\n";
    return 2;
  }
  if (options.json) out << answer->body.dump(2) << "\n";
  else print_text(answer->body, out);
  const bool healthy = answer->body["leader"].is_string() && answer->body["etcd"].value("ok", false);
  return healthy ? 0 : 1;
}

}  // namespace rg
