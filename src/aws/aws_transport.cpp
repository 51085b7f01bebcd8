#include "aws/aws_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "net/curl_multi.h"
#include "core/text.h"

namespace rg::aws {
namespace {

// What a transfer collects while it runs; owned by the transfer's completion handler (async) or
// by the caller's stack (blocking), and pointed at by curl's callbacks.
struct Exchange {
  std::string url;
  std::chrono::milliseconds timeout{};
  std::size_t limit = 0;
  std::size_t received = 0;
  bool too_large = false;
  HttpResponse response;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  exchange->received += n;
  if (exchange->received > exchange->limit) {
    exchange->too_large = true;
    return 0;  // CURLE_WRITE_ERROR ends the transfer
  }
  exchange->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  exchange->received += n;
  if (exchange->received > exchange->limit) {
    exchange->too_large = true;
    return 0;
  }
  const std::string_view line(data, n);
  HttpHeaders& headers = exchange->response.headers;
  if (line.starts_with("HTTP/")) {
    headers.clear();  // a new response (after 100 Continue): only the last one counts
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    if (!headers.empty()) headers.back().second += " " + std::string(trim(line));  // obsolete line folding
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return n;
}

long millis(std::chrono::milliseconds ms) { return static_cast<long>(std::max<std::chrono::milliseconds::rep>(ms.count(), 1)); }

// Configures `easy` for one exchange. Returns the header list, which must outlive the transfer.
std::expected<curl_slist*, AwsError> configure(CURL* easy, const HttpRequest& request, const TransportOptions& options,
                                               Exchange& exchange) {
  auto url = parse_url(request.url);
  if (!url) return std::unexpected(url.error());
  if (options.user_agent.find("region/") != std::string::npos) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument,
                                      "the User-Agent must not contain \"region/\": moto would act in that region"));
  }

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, millis(exchange.timeout));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, millis(std::min(exchange.timeout, options.connect_timeout)));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &exchange);

  const std::string& method = request.method;
  const bool has_body = !request.body.empty();
  if (method == "GET" && !has_body) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method == "DELETE" && !has_body) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    // POST, PUT, PATCH, and anything with a body: the body is copied, so the request may go.
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    if (method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_slist* list = nullptr;
  auto add = [&list](const std::string& line) -> bool {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) return false;
    list = next;
    return true;
  };
  bool ok = true;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || name.find_first_of(":\r\n") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) {
      curl_slist_free_all(list);
      return std::unexpected(make_error(AwsErrorKind::invalid_argument, "bad HTTP header '" + name + "'"));
    }
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    ok = ok && add(value.empty() ? name + ";" : name + ": " + value);
  }
  if (!find_header(request.headers, "Host")) ok = ok && add("Host: " + host_header_value(*url));
  if (!find_header(request.headers, "Accept")) ok = ok && add("Accept:");
  if (!find_header(request.headers, "Expect")) ok = ok && add("Expect:");
  if (!find_header(request.headers, "Content-Type")) ok = ok && add("Content-Type:");
  if (!ok) {
    curl_slist_free_all(list);
    return std::unexpected(make_error(AwsErrorKind::transport, "out of memory building the request headers"));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  return list;
}

std::string host_of(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed ? host_header_value(*parsed) : url;
}

TransportResult outcome(CURL* easy, CURLcode code, const char* error_buffer, Exchange& exchange) {
  if (exchange.too_large) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, "the answer from " + host_of(exchange.url) +
                                                                      " is larger than " +
                                                                      std::to_string(exchange.limit) + " bytes"));
  }
  if (code != CURLE_OK) {
    const std::string detail = error_buffer != nullptr && error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer from " + host_of(exchange.url) +
                                                                   " within " + std::to_string(exchange.timeout.count()) +
                                                                   " ms (" + detail + ")"));
    }
    return std::unexpected(make_error(AwsErrorKind::transport, "request to " + host_of(exchange.url) + " failed: " + detail));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  exchange.response.status = static_cast<int>(status);
  return std::move(exchange.response);
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl: global init failed");
  });
}

// The metadata services answer in milliseconds when they exist at all; botocore gives IMDS 1 s and
// the container endpoint 2 s, so a machine without them does not wait for the STS timeout.
std::chrono::milliseconds metadata_timeout(const std::string& url, std::chrono::milliseconds fallback) {
  auto parsed = parse_url(url);
  if (!parsed) return fallback;
  const std::string& host = parsed->host;
  if (host == "169.254.169.254" || host == "[fd00:ec2::254]") return std::min(fallback, std::chrono::milliseconds(1000));
  if (host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]") {
    return std::min(fallback, std::chrono::milliseconds(2000));
  }
  return fallback;
}

}  // namespace

CurlTransport::CurlTransport(CurlMulti& curl, TransportOptions options) : curl_(curl), options_(std::move(options)) {}

void CurlTransport::send(HttpRequest request, std::chrono::milliseconds timeout, TransportCallback done) {
  auto exchange = std::make_shared<Exchange>();
  exchange->url = request.url;
  exchange->timeout = timeout;
  exchange->limit = options_.max_response_bytes;
  auto transfer = std::make_unique<CurlTransfer>();
  auto headers = configure(transfer->handle(), request, options_, *exchange);
  if (!headers) {
    // Through the loop all the same: the callback never runs inside send().
    auto error = headers.error();
    transfer->done = [exchange, error, done = std::move(done)](CurlTransfer&, CURLcode) { done(std::unexpected(error)); };
    curl_easy_setopt(transfer->handle(), CURLOPT_URL, "");  // fails at once with CURLE_URL_MALFORMAT
    curl_.start(std::move(transfer));
    return;
  }
  transfer->keep_list(*headers);
  transfer->done = [exchange, done = std::move(done)](CurlTransfer& finished, CURLcode code) {
    done(outcome(finished.handle(), code, finished.error_buffer(), *exchange));
  };
  curl_.start(std::move(transfer));
}

TransportResult send_blocking(const HttpRequest& request, std::chrono::milliseconds timeout,
                              const TransportOptions& options) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return std::unexpected(make_error(AwsErrorKind::transport, "libcurl cannot create a transfer"));
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);
  Exchange exchange;
  exchange.url = request.url;
  exchange.timeout = timeout;
  exchange.limit = options.max_response_bytes;
  auto headers = configure(easy.get(), request, options, exchange);
  if (!headers) return std::unexpected(headers.error());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> keep(*headers, &curl_slist_free_all);
  const CURLcode code = curl_easy_perform(easy.get());
  return outcome(easy.get(), code, error_buffer, exchange);
}

HttpSend blocking_http_send(std::chrono::milliseconds timeout, TransportOptions options) {
  return [timeout, options = std::move(options)](const HttpRequest& request) {
    return send_blocking(request, metadata_timeout(request.url, timeout), options);
  };
}

}  // namespace rg::aws
