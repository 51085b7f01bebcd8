#pragma once
// What every AWS resource check (and `regionguard doctor`) shares: the credential chain, resolved
// once and refreshed on a worker, and one AwsClient per service and region (each with its own
// retry quota, so a failing region drains only its own bucket). Everything runs on the loop.
#include <boost/asio/io_context.hpp>

#include <expected>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "aws/aws_client.h"
#include "aws/aws_environment.h"
#include "aws/client_lookup.h"
#include "aws/guarded_transport.h"
#include "config/config.h"
#include "net/curl_multi.h"

namespace rg::aws {

class AwsSession {
 public:
  // `config` must outlive the session. The process environment supplies credentials and
  // AWS_ENDPOINT_URL*; config.endpoint_url, when set, wins for every service.
  AwsSession(boost::asio::io_context& io, CurlMulti& curl, const AwsConfig& config);
  ~AwsSession();
  AwsSession(const AwsSession&) = delete;
  AwsSession& operator=(const AwsSession&) = delete;

  // The client for `service` ("ec2", "elbv2", "rds", "ecs", "autoscaling", "cloudwatch", "sts")
  // in `region` whose calls end after `timeout` (retries included), created on first use.
  // `endpoint`, when not empty, wins over config.endpoint_url for this client (an SNS notifier's
  // VPC endpoint, cloudwatch.endpoint_url). Errors: no credentials, a bad endpoint setting.
  std::expected<AwsClient*, AwsError> client(const std::string& service, const std::string& region, Millis timeout,
                                             const std::string& endpoint = {});
  // client() as a ClientLookup with this timeout, for plans and jobs; the session must outlive it.
  ClientLookup lookup(Millis timeout);
  // Like lookup, but every request of its clients asks `guard` first (guarded_transport.h): the
  // cluster's leader plans with these. One guard per session (the first given is kept).
  ClientLookup guarded_lookup(Millis timeout, SendGuard guard);

  boost::asio::io_context& io() { return io_; }

  // Where the credentials come from ("environment", "shared credentials file"...), or why none.
  std::string describe_credentials();

 private:
  std::expected<std::shared_ptr<ClientCredentials>, AwsError> credentials();
  std::expected<std::unique_ptr<AwsClient>, AwsError> make_client(const std::string& service, const std::string& region,
                                                                  Millis timeout, const std::string& endpoint,
                                                                  AwsTransport& transport);

  boost::asio::io_context& io_;
  const AwsConfig& config_;
  AwsEnvironment env_;
  CurlTransport transport_;
  AsioScheduler scheduler_;
  std::optional<std::expected<std::shared_ptr<ClientCredentials>, AwsError>> credentials_;
  std::map<std::tuple<std::string, std::string, Millis, std::string>, std::unique_ptr<AwsClient>> clients_;
  std::unique_ptr<GuardedTransport> guarded_transport_;
  std::map<std::tuple<std::string, std::string, Millis, std::string>, std::unique_ptr<AwsClient>> guarded_clients_;
};

}  // namespace rg::aws
