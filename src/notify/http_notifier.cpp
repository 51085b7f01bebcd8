// Generic webhook and Slack-compatible webhook: one POST of JSON per notification.
#include "notify/curl_delivery.h"
#include "notify/notification_format.h"
#include "notify/notifier.h"

namespace rg {
namespace {

class HttpNotifier final : public Notifier {
 public:
  HttpNotifier(CurlMulti& curl, NotifierConfig config) : curl_(curl), config_(std::move(config)) {}
  const NotifierConfig& config() const override { return config_; }

  void send(const Notification& notification, Done done) override {
    auto payload = std::make_shared<CurlPayload>();
    payload->data = (config_.kind == NotifierConfig::Kind::slack ? slack_body(notification) : webhook_body(notification)).dump();
    auto transfer = std::make_unique<CurlTransfer>();
    CURL* easy = transfer->handle();
    curl_easy_setopt(easy, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload->data.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload->data.size()));
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "User-Agent: regionguard");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->keep_list(headers));
    deliver(curl_, std::move(transfer), std::move(payload), config_.timeout, true, alive_, std::move(done));
  }

 private:
  CurlMulti& curl_;
  NotifierConfig config_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<Notifier> make_http_notifier(CurlMulti& curl, NotifierConfig config) {
  return std::make_unique<HttpNotifier>(curl, std::move(config));
}

}  // namespace rg
