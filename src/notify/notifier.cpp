#include "notify/notifier.h"

namespace rg {

std::vector<std::unique_ptr<Notifier>> make_notifiers(CurlMulti& curl, const std::vector<NotifierConfig>& configs,
                                                      const SnsClientProvider& sns_clients) {
  std::vector<std::unique_ptr<Notifier>> out;
  for (const auto& config : configs) {
    switch (config.kind) {
      case NotifierConfig::Kind::webhook:
      case NotifierConfig::Kind::slack: out.push_back(make_http_notifier(curl, config)); break;
      case NotifierConfig::Kind::email: out.push_back(make_email_notifier(curl, config)); break;
      case NotifierConfig::Kind::sns: out.push_back(make_sns_notifier(config, sns_clients)); break;
    }
  }
  return out;
}

}  // namespace rg
