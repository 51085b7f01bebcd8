// SNS Publish through the AWS layer (aws/sns_api.h): the subject is the title, the message
// the plain text, and the group and severity go along as message attributes for filter policies.
#include "aws/sns_api.h"
#include "notify/notification_format.h"
#include "notify/notifier.h"

namespace rg {
namespace {

constexpr std::size_t kMaxSubject = 100;  // SNS rejects longer subjects

class SnsNotifier final : public Notifier {
 public:
  SnsNotifier(NotifierConfig config, SnsClientProvider clients)
      : config_(std::move(config)), clients_(std::move(clients)) {}
  const NotifierConfig& config() const override { return config_; }

  void send(const Notification& notification, Done done) override {
    auto client = clients_ ? clients_(config_)
                           : std::unexpected(aws::make_error(aws::AwsErrorKind::invalid_config, "no AWS client for SNS"));
    if (!client) {
      done(client.error().to_string());
      return;
    }
    aws::sns::PublishRequest request;
    request.topic_arn = config_.topic_arn;
    request.message = plain_text(notification);
    request.subject = notification.title.substr(0, kMaxSubject);
    request.string_attributes = {{"group", notification.group},
                                 {"severity", std::string(to_string(notification.severity))},
                                 {"status", notification.resolved ? "resolved" : "firing"}};
    aws::sns::publish(**client, request,
                      [alive = std::weak_ptr<bool>(alive_), done = std::move(done)](std::expected<std::string, aws::AwsError> id) {
                        if (alive.expired()) return;
                        done(id ? std::string() : id.error().to_string());
                      });
  }

 private:
  NotifierConfig config_;
  SnsClientProvider clients_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<Notifier> make_sns_notifier(NotifierConfig config, SnsClientProvider clients) {
  return std::make_unique<SnsNotifier>(std::move(config), std::move(clients));
}

}  // namespace rg
