#include "cluster/etcd_client.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "cluster/etcd_json.h"
#include "net/curl_multi.h"

namespace rg::cluster {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl: global init failed");
  });
}

long millis(std::chrono::milliseconds ms) { return static_cast<long>(std::max<std::chrono::milliseconds::rep>(ms.count(), 1)); }

// One call of the gateway: where it goes, what it sends, and how its answer reads.
template <class T>
struct Call {
  std::string name;  // "range", "txn"... for messages
  std::string path;  // "/v3/kv/range"
  std::string body;
  EtcdResult<T> (*parse)(std::string_view body, std::string_view what);
};

// What one transfer collected.
struct Answer {
  long status = 0;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<Answer*>(user)->body.append(data, size * count);
  return size * count;
}

// The request setup both clients share: URL, JSON body, TLS files, the auth token, the timeouts.
// `timeout` zero: no transfer timeout (a watch). Returns the header list, owned by the caller.
curl_slist* configure(CURL* easy, const EtcdSettings& settings, const std::string& url, const std::string& body,
                      const std::string& token, std::chrono::milliseconds timeout) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout.count() > 0 ? millis(timeout) : 0L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, millis(settings.timeout));
  // A member that died without closing the connection (host gone) still ends a watch eventually.
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!settings.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, settings.ca_file.c_str());
  if (!settings.cert_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLCERT, settings.cert_file.c_str());
  if (!settings.key_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLKEY, settings.key_file.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (headers != nullptr) headers = curl_slist_append(headers, "Expect:");
  if (headers != nullptr && !token.empty()) headers = curl_slist_append(headers, ("Authorization: " + token).c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  return headers;
}

// A transfer that never reached the member: the call may go to the next endpoint unchanged.
bool never_connected(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_URL_MALFORMAT ||
         code == CURLE_UNSUPPORTED_PROTOCOL;
}

EtcdError transfer_error(CURLcode code, const char* error_buffer, const std::string& what,
                         std::chrono::milliseconds timeout) {
  const std::string detail = error_buffer != nullptr && error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT)
    return {EtcdError::Kind::timeout, 0, fmt::format("etcd {}: no answer within {} ms ({})", what, timeout.count(), detail)};
  return {EtcdError::Kind::unreachable, 0, fmt::format("etcd {}: {}", what, detail)};
}

std::string what_of(std::string_view call, const std::string& endpoint) { return fmt::format("{} on {}", call, endpoint); }

// Whether the member answered in a way that says "ask another one next time" (no leader, shutting down).
bool member_unavailable(const EtcdError& error) { return error.kind == EtcdError::Kind::refused && error.code == 14; }

EtcdError no_endpoints() { return {EtcdError::Kind::unreachable, 0, "etcd: no endpoints configured"}; }

template <class T>
Call<T> make_call(std::string name, std::string path, std::string body,
                  EtcdResult<T> (*parse)(std::string_view, std::string_view)) {
  return {std::move(name), std::move(path), std::move(body), parse};
}

EtcdResult<void> parse_revoke(std::string_view, std::string_view) { return {}; }

// A running watch: the stream's parser and the caller's callbacks, shared by the transfer's
// callbacks and the handle. `stopped` once the handle is gone or the stream has ended.
struct WatchStream {
  std::string key;
  std::string range_end;
  std::int64_t start_revision = 0;
  std::function<void(std::vector<EtcdEvent>, std::int64_t)> events;
  std::function<void(EtcdError)> ended;
  json::WatchStreamParser parser;
  Answer error_answer;  // the body of a non-200 answer
  std::string what;
  std::optional<EtcdError> failure;
  std::uint64_t transfer = 0;
  bool stopped = false;

  void end(EtcdError error) {
    if (stopped) return;
    stopped = true;
    if (ended) ended(std::move(error));
  }
};

std::size_t on_watch_bytes(char* data, std::size_t size, std::size_t count, void* user) {
  auto* stream = static_cast<WatchStream*>(user);
  const std::size_t n = size * count;
  if (stream->stopped) return 0;  // the handle is gone: end the transfer
  // The status line came through on_watch_header first.
  if (stream->error_answer.status != 200) {
    stream->error_answer.body.append(data, n);
    return n;
  }
  auto messages = stream->parser.feed(std::string_view(data, n), stream->what);
  if (!messages) {
    stream->failure = messages.error();
    return 0;
  }
  for (auto& message : *messages) {
    if (stream->stopped) return 0;
    if (message.canceled) {
      stream->failure = EtcdError{EtcdError::Kind::refused, 0, fmt::format("etcd {}: {}", stream->what, message.reason)};
      return 0;
    }
    if (!message.events.empty() && stream->events) stream->events(std::move(message.events), message.revision);
  }
  return stream->stopped ? 0 : n;
}

std::size_t on_watch_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* stream = static_cast<WatchStream*>(user);
  const std::string_view line(data, size * count);
  // "HTTP/1.1 200 OK": the status the body callback needs before the transfer ends.
  if (line.starts_with("HTTP/")) {
    const auto space = line.find(' ');
    if (space != std::string_view::npos && line.size() >= space + 4)
      stream->error_answer.status = std::atol(std::string(line.substr(space + 1, 3)).c_str());
  }
  return size * count;
}

class RunningWatch final : public EtcdWatch {
 public:
  RunningWatch(std::weak_ptr<void> client, CurlMulti& curl, std::shared_ptr<WatchStream> stream)
      : client_(std::move(client)), curl_(curl), stream_(std::move(stream)) {}
  ~RunningWatch() override {
    stream_->stopped = true;
    // The client alive means the CurlMulti is too (it must outlive the client).
    if (!client_.expired() && stream_->transfer != 0) curl_.cancel(stream_->transfer);
  }

 private:
  std::weak_ptr<void> client_;
  CurlMulti& curl_;
  std::shared_ptr<WatchStream> stream_;
};

}  // namespace

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key: etcd reads "\0" as "to the end of the keyspace"
}

EtcdOperation EtcdOperation::range(std::string key, std::string range_end, std::int64_t limit) {
  EtcdOperation op;
  op.kind = Kind::range;
  op.key = std::move(key);
  op.range_end = std::move(range_end);
  op.limit = limit;
  return op;
}

EtcdOperation EtcdOperation::put(std::string key, std::string value, std::int64_t lease) {
  EtcdOperation op;
  op.kind = Kind::put;
  op.key = std::move(key);
  op.value = std::move(value);
  op.lease = lease;
  return op;
}

EtcdOperation EtcdOperation::erase(std::string key, std::string range_end) {
  EtcdOperation op;
  op.kind = Kind::delete_range;
  op.key = std::move(key);
  op.range_end = std::move(range_end);
  return op;
}

// ---------------------------------------------------------------------------------------------
// Blocking

struct EtcdBlockingClient::State {
  EtcdSettings settings;
  std::mutex mutex;  // one call at a time: the journal may be used from more than one thread
  std::size_t preferred = 0;
  std::string token;

  // Sends to the preferred member, then to each other one the call could not reach.
  EtcdResult<Answer> send(std::string_view name, const std::string& path, const std::string& body) {
    if (settings.endpoints.empty()) return std::unexpected(no_endpoints());
    std::vector<std::string> failures;
    const std::size_t n = settings.endpoints.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t index = (preferred + i) % n;
      const std::string& endpoint = settings.endpoints[index];
      std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
      if (!easy) return std::unexpected(EtcdError{EtcdError::Kind::unreachable, 0, "libcurl cannot create a transfer"});
      char error_buffer[CURL_ERROR_SIZE] = {};
      curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);
      Answer answer;
      curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &collect);
      curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &answer);
      std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
          configure(easy.get(), settings, endpoint + path, body, token, settings.timeout), &curl_slist_free_all);
      const CURLcode code = curl_easy_perform(easy.get());
      const auto what = what_of(name, endpoint);
      if (code == CURLE_OK) {
        preferred = index;
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &answer.status);
        return answer;
      }
      auto error = transfer_error(code, error_buffer, what, settings.timeout);
      if (!never_connected(code)) {
        preferred = (index + 1) % n;  // the next call tries another member first
        return std::unexpected(std::move(error));
      }
      failures.push_back(error.message);
    }
    return std::unexpected(EtcdError{EtcdError::Kind::unreachable, 0,
                                     fmt::format("no etcd member could be reached: {}", fmt::join(failures, "; "))});
  }

  EtcdResult<void> authenticate() {
    auto answer = send("authenticate", "/v3/auth/authenticate", json::authenticate_body(settings.user, settings.password));
    if (!answer) return std::unexpected(answer.error());
    const std::string what = "authenticate as " + settings.user;
    if (answer->status != 200) {
      auto error = json::error_answer(answer->status, answer->body, what);
      error.kind = EtcdError::Kind::auth;
      return std::unexpected(std::move(error));
    }
    auto token_read = json::parse_authenticate(answer->body, what);
    if (!token_read) return std::unexpected(token_read.error());
    token = std::move(*token_read);
    return {};
  }

  template <class T>
  EtcdResult<T> call(const Call<T>& call) {
    std::lock_guard lock(mutex);
    const bool auth = !settings.user.empty();
    for (int attempt = 0;; ++attempt) {
      if (auth && token.empty())
        if (auto done = authenticate(); !done) return std::unexpected(done.error());
      auto answer = send(call.name, call.path, call.body);
      if (!answer) return std::unexpected(answer.error());
      const auto what = what_of(call.name, settings.endpoints[preferred]);
      if (answer->status == 200) return call.parse(answer->body, what);
      auto error = json::error_answer(answer->status, answer->body, what);
      if (auth && attempt == 0 && json::is_invalid_token(error)) {
        token.clear();  // expired (etcd's simple tokens live 5 minutes): once more with a new one
        continue;
      }
      if (member_unavailable(error)) preferred = (preferred + 1) % settings.endpoints.size();
      return std::unexpected(std::move(error));
    }
  }
};

EtcdBlockingClient::EtcdBlockingClient(EtcdSettings settings) : state_(std::make_unique<State>()) {
  init_curl_once();
  state_->settings = std::move(settings);
}

EtcdBlockingClient::~EtcdBlockingClient() = default;

const EtcdSettings& EtcdBlockingClient::settings() const { return state_->settings; }

EtcdResult<EtcdResponse> EtcdBlockingClient::range(const std::string& key, const std::string& range_end) {
  return state_->call(make_call("range", "/v3/kv/range", json::range_body(EtcdOperation::range(key, range_end)),
                                &json::parse_range));
}

EtcdResult<EtcdResponse> EtcdBlockingClient::put(const std::string& key, const std::string& value, std::int64_t lease) {
  return state_->call(make_call("put", "/v3/kv/put", json::put_body(EtcdOperation::put(key, value, lease)), &json::parse_put));
}

EtcdResult<EtcdResponse> EtcdBlockingClient::erase(const std::string& key, const std::string& range_end) {
  return state_->call(make_call("delete", "/v3/kv/deleterange", json::delete_body(EtcdOperation::erase(key, range_end)),
                                &json::parse_delete));
}

EtcdResult<EtcdResponse> EtcdBlockingClient::txn(const EtcdTxn& txn) {
  return state_->call(make_call("txn", "/v3/kv/txn", json::txn_body(txn), &json::parse_txn));
}

EtcdResult<EtcdLease> EtcdBlockingClient::grant(std::chrono::seconds ttl) {
  return state_->call(make_call("lease grant", "/v3/lease/grant", json::grant_body(ttl), &json::parse_grant));
}

EtcdResult<EtcdLease> EtcdBlockingClient::keep_alive(std::int64_t lease) {
  return state_->call(make_call("lease keepalive", "/v3/lease/keepalive", json::lease_id_body(lease), &json::parse_keep_alive));
}

EtcdResult<void> EtcdBlockingClient::revoke(std::int64_t lease) {
  return state_->call(make_call("lease revoke", "/v3/lease/revoke", json::lease_id_body(lease), &parse_revoke));
}

// ---------------------------------------------------------------------------------------------
// Asynchronous

struct EtcdClient::State : std::enable_shared_from_this<EtcdClient::State> {
  State(CurlMulti& multi, EtcdSettings s) : curl(multi), settings(std::move(s)) {}
  CurlMulti& curl;
  EtcdSettings settings;
  std::size_t preferred = 0;
  std::string token;

  using Sent = std::function<void(EtcdResult<Answer>, std::size_t endpoint)>;

  // Sends to member `preferred + offset`, and on to the next while members cannot be reached.
  void send(std::string name, std::string path, std::string body, std::size_t offset,
            std::shared_ptr<std::vector<std::string>> failures, Sent sent) {
    const std::size_t n = settings.endpoints.size();
    const std::size_t index = (preferred + offset) % n;
    const std::string& endpoint = settings.endpoints[index];
    auto answer = std::make_shared<Answer>();
    auto transfer = std::make_unique<CurlTransfer>();
    curl_easy_setopt(transfer->handle(), CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(transfer->handle(), CURLOPT_WRITEDATA, answer.get());
    transfer->keep_list(configure(transfer->handle(), settings, endpoint + path, body, token, settings.timeout));
    transfer->done = [self = weak_from_this(), answer, name = std::move(name), path = std::move(path),
                      body = std::move(body), offset, index, failures = std::move(failures),
                      sent = std::move(sent)](CurlTransfer& finished, CURLcode code) mutable {
      auto state = self.lock();
      if (!state) return;  // the client is gone: no callback
      const auto n_endpoints = state->settings.endpoints.size();
      const auto what = what_of(name, state->settings.endpoints[index]);
      if (code == CURLE_OK) {
        state->preferred = index;
        curl_easy_getinfo(finished.handle(), CURLINFO_RESPONSE_CODE, &answer->status);
        sent(std::move(*answer), index);
        return;
      }
      auto error = transfer_error(code, finished.error_buffer(), what, state->settings.timeout);
      if (!never_connected(code)) {
        state->preferred = (index + 1) % n_endpoints;
        sent(std::unexpected(std::move(error)), index);
        return;
      }
      failures->push_back(error.message);
      if (offset + 1 >= n_endpoints) {
        sent(std::unexpected(EtcdError{EtcdError::Kind::unreachable, 0,
                                       fmt::format("no etcd member could be reached: {}", fmt::join(*failures, "; "))}),
             index);
        return;
      }
      state->send(std::move(name), std::move(path), std::move(body), offset + 1, std::move(failures), std::move(sent));
    };
    curl.start(std::move(transfer));
  }

  // Runs `then` once a token is at hand (at once without auth), or reports why there is none.
  void with_token(std::function<void()> then, std::function<void(EtcdError)> failed) {
    if (settings.user.empty() || !token.empty()) {
      then();
      return;
    }
    send("authenticate", "/v3/auth/authenticate", json::authenticate_body(settings.user, settings.password), 0,
         std::make_shared<std::vector<std::string>>(),
         [self = weak_from_this(), then = std::move(then), failed = std::move(failed)](EtcdResult<Answer> answer,
                                                                                       std::size_t) {
           auto state = self.lock();
           if (!state) return;
           if (!answer) return failed(answer.error());
           const std::string what = "authenticate as " + state->settings.user;
           if (answer->status != 200) {
             auto error = json::error_answer(answer->status, answer->body, what);
             error.kind = EtcdError::Kind::auth;
             return failed(std::move(error));
           }
           auto token_read = json::parse_authenticate(answer->body, what);
           if (!token_read) return failed(token_read.error());
           state->token = std::move(*token_read);
           then();
         });
  }

  template <class T>
  void call(Call<T> request, Callback<T> done, int attempt = 0) {
    if (settings.endpoints.empty()) {
      // Through the loop all the same: callbacks never run inside the call.
      auto transfer = std::make_unique<CurlTransfer>();
      curl_easy_setopt(transfer->handle(), CURLOPT_URL, "");
      transfer->done = [self = weak_from_this(), done = std::move(done)](CurlTransfer&, CURLcode) {
        if (self.lock()) done(std::unexpected(no_endpoints()));
      };
      curl.start(std::move(transfer));
      return;
    }
    auto shared_done = std::make_shared<Callback<T>>(std::move(done));
    auto shared_request = std::make_shared<Call<T>>(std::move(request));
    with_token(
        [self = weak_from_this(), shared_request, shared_done, attempt] {
          auto state = self.lock();
          if (!state) return;
          state->send(shared_request->name, shared_request->path, shared_request->body, 0,
                      std::make_shared<std::vector<std::string>>(),
                      [self, shared_request, shared_done, attempt](EtcdResult<Answer> answer, std::size_t index) {
                        auto client = self.lock();
                        if (!client) return;
                        if (!answer) return (*shared_done)(std::unexpected(answer.error()));
                        const auto what = what_of(shared_request->name, client->settings.endpoints[index]);
                        if (answer->status == 200) return (*shared_done)(shared_request->parse(answer->body, what));
                        auto error = json::error_answer(answer->status, answer->body, what);
                        if (!client->settings.user.empty() && attempt == 0 && json::is_invalid_token(error)) {
                          client->token.clear();
                          client->call(std::move(*shared_request), std::move(*shared_done), attempt + 1);
                          return;
                        }
                        if (member_unavailable(error)) client->preferred = (index + 1) % client->settings.endpoints.size();
                        (*shared_done)(std::unexpected(std::move(error)));
                      });
        },
        [shared_done](EtcdError error) { (*shared_done)(std::unexpected(std::move(error))); });
  }

  // Starts the watch transfer on member `preferred + offset`; on to the next when it cannot connect.
  void start_watch(const std::shared_ptr<WatchStream>& stream, std::size_t offset,
                     std::shared_ptr<std::vector<std::string>> failures) {
    auto state = shared_from_this();
    const std::size_t n = state->settings.endpoints.size();
    const std::size_t index = (state->preferred + offset) % n;
    const std::string& endpoint = state->settings.endpoints[index];
    stream->what = what_of("watch", endpoint);
    stream->error_answer = {};
    stream->parser = {};
    auto transfer = std::make_unique<CurlTransfer>();
    CURL* easy = transfer->handle();
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_watch_bytes);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, stream.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_watch_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, stream.get());
    transfer->keep_list(configure(easy, state->settings, endpoint + "/v3/watch",
                                  json::watch_body(stream->key, stream->range_end, stream->start_revision), state->token,
                                  std::chrono::milliseconds(0)));
    transfer->done = [self = std::weak_ptr<State>(state), stream, index, offset,
                      failures = std::move(failures)](CurlTransfer& finished, CURLcode code) mutable {
      auto client = self.lock();
      if (!client || stream->stopped) return;
      if (stream->failure) return stream->end(*stream->failure);
      if (code == CURLE_OK) {
        if (stream->error_answer.status != 200)
          return stream->end(json::error_answer(stream->error_answer.status, stream->error_answer.body, stream->what));
        return stream->end({EtcdError::Kind::unreachable, 0, fmt::format("etcd {}: the stream ended", stream->what)});
      }
      auto error = transfer_error(code, finished.error_buffer(), stream->what, client->settings.timeout);
      const auto n_endpoints = client->settings.endpoints.size();
      if (!never_connected(code)) {
        client->preferred = (index + 1) % n_endpoints;
        return stream->end(std::move(error));
      }
      failures->push_back(error.message);
      if (offset + 1 >= n_endpoints)
        return stream->end({EtcdError::Kind::unreachable, 0,
                            fmt::format("no etcd member could be reached: {}", fmt::join(*failures, "; "))});
      client->start_watch(stream, offset + 1, std::move(failures));
    };
    stream->transfer = state->curl.start(std::move(transfer));
  }
};

EtcdClient::EtcdClient(CurlMulti& curl, EtcdSettings settings)
    : state_(std::make_shared<State>(curl, std::move(settings))) {}

EtcdClient::~EtcdClient() = default;

const EtcdSettings& EtcdClient::settings() const { return state_->settings; }

void EtcdClient::range(std::string key, std::string range_end, Callback<EtcdResponse> done) {
  state_->call(make_call("range", "/v3/kv/range",
                         json::range_body(EtcdOperation::range(std::move(key), std::move(range_end))), &json::parse_range),
               std::move(done));
}

void EtcdClient::put(std::string key, std::string value, std::int64_t lease, Callback<EtcdResponse> done) {
  state_->call(make_call("put", "/v3/kv/put", json::put_body(EtcdOperation::put(std::move(key), std::move(value), lease)),
                         &json::parse_put),
               std::move(done));
}

void EtcdClient::erase(std::string key, std::string range_end, Callback<EtcdResponse> done) {
  state_->call(make_call("delete", "/v3/kv/deleterange",
                         json::delete_body(EtcdOperation::erase(std::move(key), std::move(range_end))),
                         &json::parse_delete),
               std::move(done));
}

void EtcdClient::txn(EtcdTxn txn, Callback<EtcdResponse> done) {
  state_->call(make_call("txn", "/v3/kv/txn", json::txn_body(txn), &json::parse_txn), std::move(done));
}

void EtcdClient::grant(std::chrono::seconds ttl, Callback<EtcdLease> done) {
  state_->call(make_call("lease grant", "/v3/lease/grant", json::grant_body(ttl), &json::parse_grant), std::move(done));
}

void EtcdClient::keep_alive(std::int64_t lease, Callback<EtcdLease> done) {
  state_->call(make_call("lease keepalive", "/v3/lease/keepalive", json::lease_id_body(lease), &json::parse_keep_alive),
               std::move(done));
}

void EtcdClient::revoke(std::int64_t lease, Callback<void> done) {
  state_->call(make_call("lease revoke", "/v3/lease/revoke", json::lease_id_body(lease), &parse_revoke), std::move(done));
}

std::unique_ptr<EtcdWatch> EtcdClient::watch(std::string key, std::string range_end, std::int64_t start_revision,
                                             std::function<void(std::vector<EtcdEvent>, std::int64_t)> events,
                                             std::function<void(EtcdError)> ended) {
  auto stream = std::make_shared<WatchStream>();
  stream->key = std::move(key);
  stream->range_end = std::move(range_end);
  stream->start_revision = start_revision;
  stream->events = std::move(events);
  stream->ended = std::move(ended);
  auto handle = std::make_unique<RunningWatch>(std::weak_ptr<void>(state_), state_->curl, stream);
  if (state_->settings.endpoints.empty()) {
    auto transfer = std::make_unique<CurlTransfer>();
    curl_easy_setopt(transfer->handle(), CURLOPT_URL, "");
    transfer->done = [stream](CurlTransfer&, CURLcode) { stream->end(no_endpoints()); };
    stream->transfer = state_->curl.start(std::move(transfer));
    return handle;
  }
  state_->with_token(
      [self = std::weak_ptr<State>(state_), stream] {
        if (auto state = self.lock(); state && !stream->stopped)
          state->start_watch(stream, 0, std::make_shared<std::vector<std::string>>());
      },
      [stream](EtcdError error) { stream->end(std::move(error)); });
  return handle;
}

}  // namespace rg::cluster
