#include "probe/http_prober.h"

#include <fmt/format.h>

#include <regex>

#include "probe/curl_check.h"

namespace rg {
namespace {

// Keeps only the first kBodyMatchWindow bytes of the body, then stops the transfer: Route 53
// reads no further, and neither need we.
struct BodyWindow {
  std::string bytes;
  bool full = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* window = static_cast<BodyWindow*>(user);
  const std::size_t n = size * count;
  const std::size_t room = kBodyMatchWindow - window->bytes.size();
  window->bytes.append(data, std::min(n, room));
  if (window->bytes.size() < kBodyMatchWindow) return n;
  window->full = true;
  return 0;  // CURLE_WRITE_ERROR, which run_check's judge below treats as "read enough"
}

std::string describe(const std::vector<StatusRange>& ranges) {
  std::string text;
  for (const auto& r : ranges) {
    if (!text.empty()) text += ", ";
    text += r.first == r.last ? std::to_string(r.first) : fmt::format("{}-{}", r.first, r.last);
  }
  return text;
}

}  // namespace

void judge_http_response(const HttpProbeOptions& options, const std::regex* regex, const std::string& body_window,
                         ProbeResult& result) {
  const int status = result.http ? result.http->status_code : 0;
  const bool expected = std::any_of(options.expected_status.begin(), options.expected_status.end(),
                                    [&](const StatusRange& r) { return status >= r.first && status <= r.last; });
  if (!expected) {
    result.success = false;
    result.failure = FailureKind::status;
    result.error = fmt::format("HTTP {}, expected {}", status, describe(options.expected_status));
    return;
  }
  if (!options.match.empty() && body_window.find(options.match) == std::string::npos) {
    result.success = false;
    result.failure = FailureKind::body_mismatch;
    result.error = fmt::format("\"{}\" not in the first {} bytes of the body", options.match, kBodyMatchWindow);
    return;
  }
  if (regex != nullptr) {
    if (!std::regex_search(body_window, *regex)) {
      result.success = false;
      result.failure = FailureKind::body_mismatch;
      result.error = fmt::format("/{}/ does not match the first {} bytes of the body", options.match_regex,
                                 kBodyMatchWindow);
    }
  }
}

const std::regex* HttpProber::compiled(const std::string& pattern) {
  if (pattern.empty()) return nullptr;
  auto it = regexes_.find(pattern);
  // The loader has compiled every pattern once already, so this cannot throw on a bad one.
  if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return &it->second;
}

void HttpProber::start(const EndpointConfig& endpoint, Completion done) {
  const auto& options = endpoint.http;
  const TlsSettings tls{options.verify_tls, options.ca_file, options.certificate_warning_days};
  auto transfer = make_check_transfer(endpoint, options.url, tls);
  CURL* easy = transfer->handle();
  auto window = std::make_shared<BodyWindow>();
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, window.get());
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, options.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  if (options.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (options.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, options.method.c_str());
  }
  if (!options.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, options.body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(options.body.size()));
  }
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : options.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  if (headers != nullptr) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->keep_list(headers));
  if (!options.connect_address.empty()) {
    // host:port:address — curl connects there but keeps the URL's host for Host and SNI.
    CURLU* url = curl_url();
    curl_url_set(url, CURLUPART_URL, options.url.c_str(), 0);
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(url, CURLUPART_HOST, &host, 0);
    curl_url_get(url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    const bool v6 = options.connect_address.find(':') != std::string::npos;
    const auto entry = fmt::format("{}:{}:{}", host ? host : "", port ? port : "",
                                   v6 ? "[" + options.connect_address + "]" : options.connect_address);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(url);
    curl_easy_setopt(easy, CURLOPT_RESOLVE, transfer->keep_list(curl_slist_append(nullptr, entry.c_str())));
  }
  run_check(curl_, endpoint, std::move(transfer), tls,
            [window, &options, regex = compiled(options.match_regex)](ProbeResult& result, CURLcode code) {
              if (code == CURLE_WRITE_ERROR && window->full) {  // we stopped reading: not a failure
                result.success = true;
                result.failure = FailureKind::none;
                result.error.clear();
              }
              if (result.success) judge_http_response(options, regex, window->bytes, result);
            },
            std::move(done));
}

}  // namespace rg
