#pragma once
// Credentials as the AwsClient asks for them: asynchronously, from the event loop, cached.
//
//  - FixedCredentials: a given key pair (tests, moto, a configuration that names keys).
//  - RefreshingCredentials: the credential chain (credentials.h) behind a CachedCredentials.
//    Threads: get(), invalidate() and every callback run on the loop; the provider's load() and
//    the HTTP a fetcher needs (IMDS, container endpoint, STS) run on a worker thread with the
//    blocking transport (send_blocking), because credential_process blocks and the fetchers were
//    written transport-agnostic, not loop-bound. The worker is a WorkerLane on a thread of its
//    own (core/worker_pool.h), not the daemon's shared pool: a refresh must never wait behind a
//    store job or a drill, and one-shot commands have no pool. One refresh at a time: calls that
//    arrive meanwhile wait for it.
//    Refresh windows (botocore's): inside the advisory window (15 min before expiry) callers get
//    the cached credentials at once and a refresh starts in the background, whose failure is
//    ignored; inside the mandatory window (10 min) or with nothing cached they wait for the
//    refresh, and its failure is their error.
#include <boost/asio/io_context.hpp>

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "aws/aws_credentials.h"
#include "aws/credentials.h"
#include "core/time.h"
#include "core/worker_pool.h"

namespace rg::aws {

using CredentialsCallback = std::function<void(std::expected<AwsCredentials, AwsError>)>;

class ClientCredentials {
 public:
  virtual ~ClientCredentials() = default;
  // Credentials to sign with at `now`. `done` runs on the loop; with credentials at hand it runs
  // before get() returns.
  virtual void get(TimePoint now, CredentialsCallback done) = 0;
  // A service rejected the credentials as expired: forget them, so the next get() refreshes.
  virtual void invalidate() {}
  // For logs, never secrets.
  virtual std::string describe() const = 0;
};

class FixedCredentials final : public ClientCredentials {
 public:
  explicit FixedCredentials(AwsCredentials credentials) : credentials_(std::move(credentials)) {}
  void get(TimePoint now, CredentialsCallback done) override;
  std::string describe() const override { return "fixed credentials " + credentials_.access_key_id; }

 private:
  AwsCredentials credentials_;
};

class RefreshingCredentials final : public ClientCredentials {
 public:
  RefreshingCredentials(boost::asio::io_context& loop, std::unique_ptr<CredentialProvider> provider, HttpSend blocking_send,
                        RefreshPolicy policy = {});
  // Waits for a refresh still running on its worker thread; waiting callers are dropped.
  ~RefreshingCredentials() override;

  void get(TimePoint now, CredentialsCallback done) override;
  void invalidate() override;
  std::string describe() const override { return description_; }

 private:
  struct State;
  void refresh(TimePoint now);

  std::string description_;
  std::shared_ptr<State> state_;
  WorkerLane worker_{{.width = 1, .capacity = 1}};  // last: its destructor waits before the state goes
};

}  // namespace rg::aws
