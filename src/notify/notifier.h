#pragma once
// One destination for notifications (a webhook, Slack, an SNS topic, a mailbox). A notifier makes
// one attempt per send() on the event loop and reports how it went; retries, backoff and counting
// are the dispatcher's (notification_dispatcher.h).
#include <boost/asio/io_context.hpp>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "analyze/notification.h"
#include "config/config.h"
#include "net/curl_multi.h"

namespace rg {

class Notifier {
 public:
  // "" when delivered, else why not (for the log).
  using Done = std::function<void(std::string error)>;
  virtual ~Notifier() = default;
  virtual const NotifierConfig& config() const = 0;
  // One attempt, at most config().timeout long; `done` runs on the loop exactly once, unless the
  // notifier is destroyed first.
  virtual void send(const Notification& notification, Done done) = 0;
};

// Where an SNS notifier gets its client (the daemon's AWS session; a test's client on moto).
using SnsClientProvider = std::function<std::expected<aws::AwsClient*, aws::AwsError>(const NotifierConfig&)>;

// Webhook and Slack: POST JSON; any 2xx is delivered.
std::unique_ptr<Notifier> make_http_notifier(CurlMulti& curl, NotifierConfig config);
// SMTP (libcurl smtp:// or smtps://): one message to every `to`.
std::unique_ptr<Notifier> make_email_notifier(CurlMulti& curl, NotifierConfig config);
// SNS Publish to topic_arn.
std::unique_ptr<Notifier> make_sns_notifier(NotifierConfig config, SnsClientProvider clients);

// One notifier per configured one, in order.
std::vector<std::unique_ptr<Notifier>> make_notifiers(CurlMulti& curl, const std::vector<NotifierConfig>& configs,
                                                      const SnsClientProvider& sns_clients);

}  // namespace rg
