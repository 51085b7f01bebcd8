#pragma once
// What HTTP and TCP checks share once curl is done with a transfer: the failure kind of a curl
// error, the phase timings, the peer address and the certificate's remaining days.
#include <curl/curl.h>

#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

// CURLE_OK maps to none; the rest to the failure kinds users see.
FailureKind failure_for_curl_code(CURLcode code);

// Fills result.http (phases, remote address, redirects, status code, certificate days) from a
// finished easy handle.
void read_transfer_details(CURL* easy, ProbeResult& result);

// Days from `now` until a certificate's "Expire date" as curl's OpenSSL backend prints it
// ("Jan  1 00:00:00 2030 GMT"); nullopt when the text does not parse. Negative once expired.
std::optional<int> days_until(std::string_view expire_date, TimePoint now);

// Adds the certificate-expiry warning (and marks verification) after a TLS check.
void judge_certificate(ProbeResult& result, int warning_days, bool verified);

}  // namespace rg
