#include "app/commands/ami_sync_command.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <ostream>

#include "net/curl_multi.h"

namespace rg {

namespace {
constexpr int kUsageError = 3;
}  // namespace

CLI::App* add_ami_sync_command(CLI::App& cli, AmiSyncCommandOptions& options) {
  auto* command = cli.add_subcommand(
      "ami-sync", "Image the primary instance, copy it to the DR regions, set the SSM parameter, retire old images");
  command->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  command->add_flag("--dry-run", options.dry_run, "Look up what exists and print what would be done; change nothing");
  return command;
}

int run_ami_sync_command(const Config& config, const AmiSyncCommandOptions& options, std::ostream& out) {
  if (!config.jobs.ami_sync) {
    out << "no jobs.ami_sync in " << config.source_file << "\n";
    return kUsageError;
  }
  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession session(io, curl, config.aws);
  aws::AsioScheduler scheduler(io);
  act::AmiSyncContext context{session.lookup(config.aws.timeout), scheduler};
  context.dry_run = options.dry_run;
  context.progress = [&out](const std::string& line) { out << line << "\n" << std::flush; };
  std::optional<act::AmiSyncReport> report;
  act::run_ami_sync(*config.jobs.ami_sync, std::move(context), [&](act::AmiSyncReport r) {
    report = std::move(r);
    io.stop();
  });
  // Credentials resolve on a worker thread: keep the loop running until the job reports.
  auto work = boost::asio::make_work_guard(io);
  if (!report) io.run();
  if (!report) {
    out << "ami-sync did not finish\n";
    return 1;
  }
  if (!report->ok) {
    out << "ami-sync " << report->image_name << ": FAILED: " << report->error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace rg
