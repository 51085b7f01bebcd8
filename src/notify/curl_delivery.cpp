#include "notify/curl_delivery.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace rg {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

std::size_t read_payload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* payload = static_cast<CurlPayload*>(user);
  const std::size_t n = std::min(size * count, payload->data.size() - payload->sent);
  std::memcpy(buffer, payload->data.data() + payload->sent, n);
  payload->sent += n;
  return n;
}

void deliver(CurlMulti& curl, std::unique_ptr<CurlTransfer> transfer, std::shared_ptr<CurlPayload> payload,
             Millis timeout, bool http, std::weak_ptr<bool> alive, Notifier::Done done) {
  CURL* easy = transfer->handle();
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);  // the receiver's answer is not ours to print
  transfer->done = [payload = std::move(payload), http, alive = std::move(alive), done = std::move(done)](
                       CurlTransfer& finished, CURLcode code) {
    if (alive.expired()) return;
    if (code != CURLE_OK) {
      const char* detail = finished.error_buffer();
      done(detail[0] != '\0' ? std::string(detail) : std::string(curl_easy_strerror(code)));
      return;
    }
    long status = 0;
    curl_easy_getinfo(finished.handle(), CURLINFO_RESPONSE_CODE, &status);
    if (http && (status < 200 || status > 299)) {
      done(fmt::format("HTTP {}", status));
      return;
    }
    done("");
  };
  curl.start(std::move(transfer));
}

}  // namespace rg
