#include "probe/curl_check.h"

#include <fmt/format.h>

#include "probe/curl_outcome.h"

namespace rg {

std::unique_ptr<CurlTransfer> make_check_transfer(const EndpointConfig& endpoint, const std::string& url,
                                                  const TlsSettings& tls) {
  auto transfer = std::make_unique<CurlTransfer>();
  CURL* easy = transfer->handle();
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(endpoint.timeout.count()));
  // A health check measures a new connection every time (Route 53 does the same); a reused one
  // would hide connect and TLS trouble.
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  curl_easy_setopt(easy, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "regionguard/0.1 (health check)");
  // A health check measures the direct path to the target, as Route 53's checkers do; an
  // http_proxy in the daemon's environment must not stand in for it.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  return transfer;
}

void run_check(CurlMulti& curl, const EndpointConfig& endpoint, std::unique_ptr<CurlTransfer> transfer,
               const TlsSettings& tls, std::function<void(ProbeResult&, CURLcode)> judge, Prober::Completion done) {
  auto started = std::chrono::steady_clock::now();
  ProbeResult base;
  base.endpoint_id = endpoint.id;
  base.started_at = now_us();
  transfer->done = [tls, started, base = std::move(base), judge = std::move(judge),
                    done = std::move(done)](CurlTransfer& finished, CURLcode code) mutable {
    ProbeResult result = std::move(base);
    result.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    read_transfer_details(finished.handle(), result);
    result.failure = failure_for_curl_code(code);
    result.success = result.failure == FailureKind::none;
    if (!result.success) {
      const std::string detail = finished.error_buffer()[0] ? finished.error_buffer() : curl_easy_strerror(code);
      result.error = detail;
    }
    judge(result, code);
    judge_certificate(result, tls.certificate_warning_days, tls.verify);
    done(std::move(result));
  };
  curl.start(std::move(transfer));
}

}  // namespace rg
