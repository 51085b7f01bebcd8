#include "app/commands/doctor_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <optional>
#include <set>

#include "aws/sts_api.h"
#include "net/curl_multi.h"
#include "probe/aws_resource_prober.h"
#include "aws/aws_session.h"

namespace rg {

namespace {

// Service error codes that mean "these credentials may not do that".
constexpr std::array<std::string_view, 5> kPermissionCodes{"AccessDenied", "AccessDeniedException",
                                                           "UnauthorizedOperation", "UnauthorizedAccess",
                                                           "AuthorizationError"};
// ... and "these credentials are not valid at all".
constexpr std::array<std::string_view, 6> kCredentialCodes{"InvalidClientTokenId",   "SignatureDoesNotMatch",
                                                           "ExpiredToken",           "ExpiredTokenException",
                                                           "UnrecognizedClientException", "AuthFailure"};

bool is_one_of(std::string_view code, const auto& codes) { return std::ranges::find(codes, code) != codes.end(); }

// What went wrong with a call, for a person: no jargon beyond the AWS code, which they can search.
std::string plain_words(const aws::AwsError& error, const std::string& endpoint_url) {
  switch (error.kind) {
    case aws::AwsErrorKind::no_credentials:
      return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run "
             "with an instance or task role (" + error.message + ")";
    case aws::AwsErrorKind::invalid_config:
    case aws::AwsErrorKind::credential_process:
    case aws::AwsErrorKind::io:
      return "the AWS credentials could not be loaded: " + error.message;
    case aws::AwsErrorKind::transport:
      return "cannot reach " + endpoint_url + ": " + error.message;
    case aws::AwsErrorKind::timeout:
      return endpoint_url + " did not answer in time: " + error.message;
    default: break;
  }
  if (is_one_of(error.code, kCredentialCodes))
    return "AWS refused the credentials themselves (" + error.code + "): " + error.message;
  return error.to_string();
}

struct CheckReport {
  const EndpointConfig* endpoint;
  std::optional<ProbeResult> result;
  std::optional<aws::AwsError> error;
};

}  // namespace

int run_doctor_command(const Config& config, std::ostream& out) {
  std::vector<CheckReport> checks;
  for (const auto& endpoint : config.endpoints)
    if (is_aws_kind(endpoint.kind)) checks.push_back({&endpoint, std::nullopt, std::nullopt});
  const std::string sts_region = checks.empty() ? config.regions.front() : checks.front().endpoint->region;

  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession session(io, curl, config.aws);
  AwsResourceProber prober(session);

  std::size_t pending = checks.size() + 1;
  auto one_done = [&] {
    if (--pending == 0) io.stop();
  };
  std::optional<std::expected<aws::sts::CallerIdentity, aws::AwsError>> identity;
  std::string sts_url;
  if (auto sts = session.client("sts", sts_region, config.aws.timeout); !sts) {
    identity = std::unexpected(sts.error());
    one_done();
  } else {
    sts_url = (*sts)->endpoint().url;
    aws::sts::get_caller_identity(**sts, [&](auto answer) {
      identity = std::move(answer);
      one_done();
    });
  }
  for (auto& check : checks) {
    prober.check(*check.endpoint, [&check, &one_done](ProbeResult result, std::optional<aws::AwsError> error) {
      check.result = std::move(result);
      check.error = std::move(error);
      one_done();
    });
  }
  // Credentials load on a worker thread: the loop must wait for them even with nothing of its own to do.
  auto work = boost::asio::make_work_guard(io);
  if (pending > 0) io.run();

  int problems = 0;
  out << "credentials: ";
  if (identity && *identity) {
    out << "ok, " << (*identity)->arn << " (account " << (*identity)->account << "), " << session.describe_credentials()
        << "\n";
  } else {
    ++problems;
    out << "PROBLEM: " << (identity ? plain_words(identity->error(), sts_url) : "no answer") << "\n";
  }
  if (checks.empty()) {
    out << "no AWS resource checks are configured\n";
  }

  // Reachability per AWS endpoint: one line per service and region, from its checks' calls.
  std::map<std::pair<std::string, std::string>, std::string> unreachable;
  std::set<std::pair<std::string, std::string>> endpoints;
  for (const auto& check : checks) {
    const auto key = std::pair{std::string(aws_check_calls(check.endpoint->kind).service), check.endpoint->region};
    endpoints.insert(key);
    if (check.error && (check.error->kind == aws::AwsErrorKind::transport || check.error->kind == aws::AwsErrorKind::timeout))
      unreachable.emplace(key, check.error->message);
  }
  for (const auto& key : endpoints) {
    auto client = session.client(key.first, key.second, config.aws.timeout);
    if (!client) {
      out << fmt::format("endpoint {} {}: not tried: {}\n", key.first, key.second, client.error().message);
      continue;
    }
    const std::string url = (*client)->endpoint().url;
    if (const auto it = unreachable.find(key); it != unreachable.end()) {
      ++problems;
      out << fmt::format("endpoint {} {}: PROBLEM: cannot reach {}: {}\n", key.first, key.second, url, it->second);
    } else {
      out << fmt::format("endpoint {} {}: ok, {} answers\n", key.first, key.second, url);
    }
  }

  for (const auto& check : checks) {
    const auto& endpoint = *check.endpoint;
    const auto calls = aws_check_calls(endpoint.kind);
    out << "check " << endpoint.id << ": ";
    if (!check.error && check.result && check.result->failure != FailureKind::aws_api) {
      if (check.result->failure == FailureKind::not_found) {
        ++problems;
        out << "PROBLEM: " << endpoint.aws.resource << " does not exist in " << endpoint.region << " ("
            << check.result->error << ")\n";
      } else if (check.result->success) {
        out << "ok, runs; the resource is healthy now\n";
      } else {
        out << "ok, runs; the resource is unhealthy now: " << to_string(check.result->failure) << ": "
            << check.result->error << "\n";
      }
      continue;
    }
    ++problems;
    const auto client = session.client(std::string(calls.service), endpoint.region, endpoint.timeout);
    const std::string url = client ? (*client)->endpoint().url : std::string();
    if (!check.error) {
      out << "PROBLEM: " << (check.result ? check.result->error : std::string("no result")) << "\n";
    } else if (is_one_of(check.error->code, kPermissionCodes)) {
      out << fmt::format("PROBLEM: not allowed ({}): the credentials need {} on {} ({})\n", check.error->code,
                         fmt::join(calls.iam_actions, ", "), endpoint.aws.resource, check.error->message);
    } else if (check.error->code.ends_with("NotFound") || check.error->code.ends_with("NotFoundException") ||
               check.error->code == "ResourceNotFound" || check.error->code == "DBInstanceNotFound") {
      out << "PROBLEM: " << endpoint.aws.resource << " does not exist in " << endpoint.region << " ("
          << check.error->code << ")\n";
    } else {
      out << "PROBLEM: " << plain_words(*check.error, url) << "\n";
    }
  }
  out << (problems == 0 ? std::string("no problems found\n")
                        : fmt::format("{} problem{} found\n", problems, problems == 1 ? "" : "s"));
  return problems == 0 ? 0 : 1;
}

}  // namespace rg
