#include "probe/curl_outcome.h"

#include <fmt/format.h>

#include <ctime>

namespace rg {

FailureKind failure_for_curl_code(CURLcode code) {
  switch (code) {
    case CURLE_OK: return FailureKind::none;
    case CURLE_OPERATION_TIMEDOUT: return FailureKind::timeout;
    case CURLE_COULDNT_RESOLVE_HOST: return FailureKind::dns;
    case CURLE_COULDNT_CONNECT: return FailureKind::connect_refused;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE: return FailureKind::tls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return FailureKind::connection_reset;
    case CURLE_TOO_MANY_REDIRECTS: return FailureKind::status;
    default: return FailureKind::network;
  }
}

namespace {
std::chrono::microseconds info_time(CURL* easy, CURLINFO what) {
  curl_off_t value = 0;
  curl_easy_getinfo(easy, what, &value);
  return std::chrono::microseconds(value);
}

// The leaf certificate's "Expire date" from CURLINFO_CERTINFO (OpenSSL backend).
std::optional<std::string> leaf_expire_date(CURL* easy) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr || info->num_of_certs < 1)
    return std::nullopt;
  for (curl_slist* item = info->certinfo[0]; item != nullptr; item = item->next) {
    std::string_view line(item->data);
    constexpr std::string_view key = "Expire date:";
    if (line.starts_with(key)) return std::string(line.substr(key.size()));
  }
  return std::nullopt;
}
}  // namespace

std::optional<int> days_until(std::string_view expire_date, TimePoint now) {
  std::tm tm{};
  const std::string text(expire_date);
  const char* end = strptime(text.c_str(), " %b %d %H:%M:%S %Y GMT", &tm);
  if (end == nullptr) end = strptime(text.c_str(), " %Y-%m-%d %H:%M:%S GMT", &tm);
  if (end == nullptr) return std::nullopt;
  const auto expires = Clock::from_time_t(timegm(&tm));
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(expires - now);
  // Whole days, rounded towards minus infinity so an expired certificate is negative at once.
  return static_cast<int>(std::chrono::floor<std::chrono::days>(left).count());
}

void read_transfer_details(CURL* easy, ProbeResult& result) {
  HttpDetails details;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  details.status_code = static_cast<int>(status);
  details.phases.dns = info_time(easy, CURLINFO_NAMELOOKUP_TIME_T);
  details.phases.connect = info_time(easy, CURLINFO_CONNECT_TIME_T);
  details.phases.tls = info_time(easy, CURLINFO_APPCONNECT_TIME_T);
  details.phases.first_byte = info_time(easy, CURLINFO_STARTTRANSFER_TIME_T);
  details.phases.total = info_time(easy, CURLINFO_TOTAL_TIME_T);
  long redirects = 0;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
  details.redirects = static_cast<int>(redirects);
  char* address = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &address) == CURLE_OK && address != nullptr)
    details.remote_address = address;
  if (auto expire = leaf_expire_date(easy)) details.certificate_days_left = days_until(*expire, result.started_at);
  result.http = std::move(details);
}

void judge_certificate(ProbeResult& result, int warning_days, bool verified) {
  if (!result.http) return;
  result.http->tls_verified = verified && result.failure != FailureKind::tls;
  const auto& days = result.http->certificate_days_left;
  if (!days || !result.success) return;
  if (*days < 0)
    result.warnings.push_back(fmt::format("certificate expired {} days ago", -*days));
  else if (*days < warning_days)
    result.warnings.push_back(fmt::format("certificate expires in {} days", *days));
}

}  // namespace rg
