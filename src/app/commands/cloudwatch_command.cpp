#include "app/commands/cloudwatch_command.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <ostream>

#include "present/cloudwatch/cloudwatch_resources.h"
#include "net/curl_multi.h"
#include "aws/aws_session.h"

namespace rg {
namespace {

namespace cw = aws::cloudwatch;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kFailed = 1;
constexpr Millis kCallTimeout = 30s;

// Runs the loop until the call `start` begins has answered. A CLI has nothing else to do
// meanwhile; the client's deadline guarantees the answer comes.
template <typename Result, typename Start>
std::expected<Result, aws::AwsError> await(boost::asio::io_context& io, Start start) {
  std::optional<std::expected<Result, aws::AwsError>> out;
  start([&out](std::expected<Result, aws::AwsError> result) { out = std::move(result); });
  auto work = boost::asio::make_work_guard(io);  // credentials load on a worker thread
  while (!out) io.run_one();
  return std::move(*out);
}

int print_dry_run(const CloudWatchResources& resources, std::ostream& out) {
  json requests = json::array();
  requests.push_back({{"operation", "PutDashboard"}, {"input", json::parse(cw::build_put_dashboard(resources.dashboard).body)}});
  for (const auto& alarm : resources.alarms)
    requests.push_back({{"operation", "PutMetricAlarm"}, {"input", json::parse(cw::build_put_metric_alarm(alarm).body)}});
  out << json{{"region", resources.region}, {"requests", std::move(requests)}}.dump(2) << "\n";
  return 0;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
  return text;
}

struct Tally {
  int created = 0, updated = 0, unchanged = 0;
};

}  // namespace

CLI::App* add_cloudwatch_command(CLI::App& cli, CloudWatchCommandOptions& options) {
  auto* cloudwatch = cli.add_subcommand("cloudwatch", "Create or update the CloudWatch dashboard and alarms");
  cloudwatch->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  cloudwatch->add_option("action", options.action, "apply")->required()->check(CLI::IsMember({"apply"}));
  cloudwatch->add_flag("--dry-run", options.dry_run, "Print the requests as JSON; send nothing");
  return cloudwatch;
}

int run_cloudwatch_command(const Config& config, const CloudWatchCommandOptions& options, std::ostream& out) {
  const CloudWatchResources resources = cloudwatch_resources(config);
  if (options.dry_run) return print_dry_run(resources, out);

  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession session(io, curl, config.aws);
  auto client = session.client("cloudwatch", resources.region, kCallTimeout, config.cloudwatch.endpoint_url);
  if (!client) {
    out << "cannot reach CloudWatch in " << resources.region << ": " << client.error().to_string() << "\n";
    return kFailed;
  }
  aws::AwsClient& cloudwatch = **client;
  Tally tally;
  const auto failed = [&](std::string_view what, const aws::AwsError& error) {
    out << what << ": FAILED: " << error.to_string() << "\n";
    out << tally.created << " created, " << tally.updated << " updated, " << tally.unchanged << " unchanged; stopped\n";
    return kFailed;
  };

  // The dashboard.
  const std::string dashboard_label = "dashboard " + resources.dashboard.dashboard_name;
  auto current = await<cw::Dashboard>(io, [&](auto done) {
    cw::get_dashboard(cloudwatch, resources.dashboard.dashboard_name, std::move(done));
  });
  const bool exists = current.has_value();
  if (!exists && current.error().code != "ResourceNotFound") return failed(dashboard_label, current.error());
  if (exists && same_dashboard(current->dashboard_body, resources.dashboard.dashboard_body)) {
    ++tally.unchanged;
    out << dashboard_label << ": unchanged\n";
  } else {
    auto put = await<cw::PutDashboardResult>(io, [&](auto done) { cw::put_dashboard(cloudwatch, resources.dashboard, std::move(done)); });
    if (!put) return failed(dashboard_label, put.error());
    ++(exists ? tally.updated : tally.created);
    out << dashboard_label << ": " << (exists ? "updated" : "created") << "\n";
    for (const auto& m : put->validation_messages) out << "  warning: " << m.data_path << ": " << m.message << "\n";
  }

  // The alarms: every one of ours is named <dashboard>-..., so one prefix lists them all.
  std::map<std::string, cw::MetricAlarm> existing;
  cw::DescribeAlarmsRequest describe;
  describe.alarm_name_prefix = config.cloudwatch.dashboard + "-";
  describe.max_records = 100;
  do {
    auto page = await<cw::DescribeAlarmsResult>(io, [&](auto done) { cw::describe_alarms(cloudwatch, describe, std::move(done)); });
    if (!page) return failed("alarms " + *describe.alarm_name_prefix + "*", page.error());
    for (auto& alarm : page->metric_alarms) existing.emplace(alarm.alarm_name, std::move(alarm));
    describe.next_token = page->next_token;
  } while (describe.next_token && !describe.next_token->empty());

  for (const auto& alarm : resources.alarms) {
    const std::string label = "alarm " + alarm.alarm_name;
    const auto found = existing.find(alarm.alarm_name);
    std::vector<std::string> differences;
    if (found != existing.end()) {
      differences = alarm_differences(alarm, found->second);
      existing.erase(found);
      if (differences.empty()) {
        ++tally.unchanged;
        out << label << ": unchanged\n";
        continue;
      }
    }
    const bool update = !differences.empty();
    auto put = await<void>(io, [&](auto done) { cw::put_metric_alarm(cloudwatch, alarm, std::move(done)); });
    if (!put) return failed(label, put.error());
    ++(update ? tally.updated : tally.created);
    out << label << ": " << (update ? "updated (" + joined(differences) + ")" : std::string("created")) << "\n";
  }
  for (const auto& [name, alarm] : existing)
    if (alarm.namespace_ == config.cloudwatch.namespace_)
      out << "alarm " << name << ": not in the configuration, left alone (delete it by hand if it is not wanted)\n";

  out << tally.created << " created, " << tally.updated << " updated, " << tally.unchanged << " unchanged in "
      << resources.region << "\n";
  return 0;
}

}  // namespace rg
