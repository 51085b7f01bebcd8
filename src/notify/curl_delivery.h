#pragma once
// The part the webhook and SMTP notifiers share: run one libcurl transfer on the loop with a
// timeout, a discarded response body, and its outcome as "" (delivered) or the reason.
#include <memory>
#include <string>

#include "config/config.h"
#include "net/curl_multi.h"
#include "notify/notifier.h"

namespace rg {

// The payload a transfer uploads (CURLOPT_READFUNCTION / POSTFIELDS), kept alive with it.
struct CurlPayload {
  std::string data;
  std::size_t sent = 0;
};

// `transfer` is configured by the caller (URL, method, headers, payload). For http, a status
// outside 2xx is a failure. `alive` is the notifier's: when it is gone, `done` is not called.
void deliver(CurlMulti& curl, std::unique_ptr<CurlTransfer> transfer, std::shared_ptr<CurlPayload> payload,
             Millis timeout, bool http, std::weak_ptr<bool> alive, Notifier::Done done);

// CURLOPT_READFUNCTION over a CurlPayload (SMTP's message upload).
std::size_t read_payload(char* buffer, std::size_t size, std::size_t count, void* payload);

}  // namespace rg
