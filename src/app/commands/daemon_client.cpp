#include "app/commands/daemon_client.h"

#include <curl/curl.h>

#include <memory>

#include "present/bearer_auth.h"

namespace rg {
namespace {

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// A wildcard listen address is reached on loopback.
std::string host_of(const NetworkAddress& listen) {
  if (listen.host.empty() || listen.host == "0.0.0.0") return "127.0.0.1";
  if (listen.host == "::") return "[::1]";
  return listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
}

// One request to the daemon; `body` null: a GET.
std::expected<DaemonAnswer, std::string> request_daemon(const ServerConfig& server, const std::string& path,
                                                        const nlohmann::json* body) {
  const auto token = load_token(server);
  if (!token) return std::unexpected(token.error());
  if (body && token->empty())
    return std::unexpected("the daemon's API needs server.token or server.token_file to take this request");
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
  if (!easy) return std::unexpected("libcurl could not be initialised");
  const std::string url = std::string(server.tls ? "https://" : "http://") + host_of(server.listen) + ":" +
                          std::to_string(server.listen.port) + path;
  const std::string payload = body ? body->dump() : std::string();
  const std::string authorization = "Authorization: Bearer " + *token;
  curl_slist* headers = token->empty() ? nullptr : curl_slist_append(nullptr, authorization.c_str());
  if (body) headers = curl_slist_append(headers, "Content-Type: application/json");
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, curl_slist_free_all);
  std::string answer;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  if (body) curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  // A self-signed server certificate is trusted as its own authority.
  if (server.tls) curl_easy_setopt(easy.get(), CURLOPT_CAINFO, server.tls->cert.c_str());
  if (const CURLcode code = curl_easy_perform(easy.get()); code != CURLE_OK)
    return std::unexpected("cannot reach the daemon at " + url + ": " + curl_easy_strerror(code));
  DaemonAnswer out;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &out.status);
  out.body = nlohmann::json::parse(answer, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

}  // namespace

std::expected<DaemonAnswer, std::string> post_to_daemon(const ServerConfig& server, const std::string& path,
                                                        const nlohmann::json& body) {
  return request_daemon(server, path, &body);
}

std::expected<DaemonAnswer, std::string> get_from_daemon(const ServerConfig& server, const std::string& path) {
  return request_daemon(server, path, nullptr);
}

}  // namespace rg
