#include "aws/guarded_transport.h"

#include <boost/asio/post.hpp>

namespace rg::aws {

GuardedTransport::GuardedTransport(boost::asio::io_context& io, AwsTransport& inner, SendGuard guard)
    : io_(io), inner_(inner), guard_(std::move(guard)) {}

void GuardedTransport::send(HttpRequest request, std::chrono::milliseconds timeout, TransportCallback done) {
  if (auto refusal = guard_ ? guard_() : std::nullopt) {
    AwsError error;
    error.kind = AwsErrorKind::fenced;
    error.message = "not sent: " + *refusal;
    boost::asio::post(io_, [done = std::move(done), error = std::move(error)] { done(std::unexpected(error)); });
    return;
  }
  inner_.send(std::move(request), timeout, std::move(done));
}

}  // namespace rg::aws
