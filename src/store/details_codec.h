#pragma once
// The `details` column: what an observation carries beyond the DNS fields, as JSON text shared by
// every backend. "{}" when there is nothing; otherwise
//   {"http": {"status": 200, "phases_us": {"dns": 10, "connect": 80, "tls": 900, "first_byte": 1200,
//             "total": 1300}, "remote_address": "192.0.2.1", "certificate_days_left": 41,
//             "tls_verified": true, "redirects": 0},
//    "resource": {"state": "running", "healthy": 2, "expected": 3, "headroom": 1, "replica_lag_seconds": 4.0},
//    "warnings": ["certificate expires in 5 days"]}
// Neither function throws.
#include <string>
#include <string_view>

#include "core/probe_result.h"
#include "store/store.h"

namespace rg {

StoreResult<std::string> encode_details(const ProbeResult& result);
// Sets result.http and result.warnings from the text.
StoreResult<void> decode_details(std::string_view json_text, ProbeResult& result);

}  // namespace rg
