// SMTP e-mail through libcurl (smtp:// or smtps://): one message to every recipient.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "notify/curl_delivery.h"
#include "notify/notification_format.h"
#include "notify/notifier.h"

namespace rg {
namespace {

// RFC 5322 message with CRLF line ends; lines starting with "." are dot-stuffed by libcurl.
std::string message(const NotifierConfig& config, const Notification& notification) {
  std::string to;
  for (const auto& address : config.to) to += (to.empty() ? "" : ", ") + address;
  std::string body;
  for (const char c : plain_text(notification)) {
    if (c == '\n') body += "\r\n";
    else body += c;
  }
  const auto seconds = std::chrono::floor<std::chrono::seconds>(notification.at);
  return fmt::format("Date: {:%a, %d %b %Y %H:%M:%S} +0000\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\nX-Regionguard-Group: {}\r\n\r\n{}",
                     seconds, config.from, to, notification.title, notification.group, body);
}

class EmailNotifier final : public Notifier {
 public:
  EmailNotifier(CurlMulti& curl, NotifierConfig config) : curl_(curl), config_(std::move(config)) {}
  const NotifierConfig& config() const override { return config_; }

  void send(const Notification& notification, Done done) override {
    auto payload = std::make_shared<CurlPayload>();
    payload->data = message(config_, notification);
    auto transfer = std::make_unique<CurlTransfer>();
    CURL* easy = transfer->handle();
    curl_easy_setopt(easy, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, ("<" + config_.from + ">").c_str());
    curl_slist* recipients = nullptr;
    for (const auto& address : config_.to) recipients = curl_slist_append(recipients, ("<" + address + ">").c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, transfer->keep_list(recipients));
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &read_payload);
    curl_easy_setopt(easy, CURLOPT_READDATA, payload.get());
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(payload->data.size()));
    deliver(curl_, std::move(transfer), std::move(payload), config_.timeout, false, alive_, std::move(done));
  }

 private:
  CurlMulti& curl_;
  NotifierConfig config_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<Notifier> make_email_notifier(CurlMulti& curl, NotifierConfig config) {
  return std::make_unique<EmailNotifier>(curl, std::move(config));
}

}  // namespace rg
