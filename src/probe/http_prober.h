#pragma once
// HTTP/HTTPS checks with Route 53's semantics (expected status 2xx/3xx, a search string in the
// first 5,120 bytes) and blackbox_exporter's per-phase timings, on libcurl multi — the same
// io_context as the DNS probes, no thread per check. Every check opens a fresh connection, as
// Route 53's checkers do, so connect and TLS times are measured every time.
#include <regex>
#include <unordered_map>

#include "net/curl_multi.h"
#include "probe/prober.h"

namespace rg {

class HttpProber final : public Prober {
 public:
  explicit HttpProber(CurlMulti& curl) : curl_(curl) {}
  void start(const EndpointConfig& endpoint, Completion done) override;

 private:
  // Compiled match_regex patterns, once per pattern rather than once per check.
  const std::regex* compiled(const std::string& pattern);

  CurlMulti& curl_;
  std::unordered_map<std::string, std::regex> regexes_;
};

// Judges a finished HTTP response: status, body match (`regex` is options.match_regex compiled,
// or null when there is none). Pure; unit-tested.
void judge_http_response(const HttpProbeOptions& options, const std::regex* regex, const std::string& body_window,
                         ProbeResult& result);

}  // namespace rg
