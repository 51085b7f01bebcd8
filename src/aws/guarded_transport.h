#pragma once
// A transport that asks before every send whether this process may still call AWS, for the
// clients that carry out failover plans in a cluster (issue 17): a leader that lost its etcd
// lease — paused past its TTL, cut off from the etcd majority — must not change anything once a
// new leader may be acting, even for a step that was already under way when it stopped.
#include <boost/asio/io_context.hpp>

#include <functional>
#include <optional>
#include <string>

#include "aws/aws_transport.h"

namespace rg::aws {

// Why a send must not happen now; nullopt when it may.
using SendGuard = std::function<std::optional<std::string>()>;

class GuardedTransport final : public AwsTransport {
 public:
  // `inner` and `io` must outlive the transport.
  GuardedTransport(boost::asio::io_context& io, AwsTransport& inner, SendGuard guard);
  // A refused send answers AwsErrorKind::fenced (never retried) on the loop; nothing goes out.
  void send(HttpRequest request, std::chrono::milliseconds timeout, TransportCallback done) override;

 private:
  boost::asio::io_context& io_;
  AwsTransport& inner_;
  SendGuard guard_;
};

}  // namespace rg::aws
