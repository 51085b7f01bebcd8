#pragma once
// libcurl's multi interface driven by an Asio io_context: curl tells us which sockets to watch
// (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION); we call
// curl_multi_socket_action when they are ready. HTTP checks and AWS API calls share the loop with
// the DNS probes, with no thread per transfer (libcurl's asiohiper.cpp example works this way).
#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace rg {

// One transfer: an easy handle the caller configures, and what to do when it ends.
class CurlTransfer {
 public:
  using Done = std::function<void(CurlTransfer&, CURLcode)>;
  CurlTransfer();
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  CURL* handle() const { return easy_; }
  const char* error_buffer() const { return error_; }
  // Keeps a header list alive for as long as the transfer (CURLOPT_HTTPHEADER, CURLOPT_RESOLVE...).
  curl_slist* keep_list(curl_slist* list);

  Done done;
  // Given by CurlMulti::start: names the transfer for cancel() (never reused, unlike the handle).
  std::uint64_t id() const { return id_; }

 private:
  friend class CurlMulti;
  CURL* easy_;
  std::uint64_t id_ = 0;
  bool cancelled_ = false;  // cancel() was called: `done` must not run
  char error_[CURL_ERROR_SIZE] = {};
  std::vector<curl_slist*> lists_;
};

class CurlMulti {
 public:
  // Throws std::runtime_error if libcurl cannot be initialised (out of memory): not a probe result.
  explicit CurlMulti(boost::asio::io_context& io);
  ~CurlMulti();  // abandons unfinished transfers without calling their `done`
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts a configured transfer; `done` runs on the io_context thread exactly once, unless this
  // CurlMulti is destroyed first or the transfer is cancelled. Returns the transfer's id.
  std::uint64_t start(std::unique_ptr<CurlTransfer> transfer);

  // Ends transfer `id` without calling its `done` (a stream that has no end of its own, such as an
  // etcd watch); nothing when it has already ended. Callable from inside a transfer's callbacks:
  // curl forbids removing a handle from within them, so the removal then waits for the loop (and
  // `done` does not run even if the transfer ends meanwhile).
  void cancel(std::uint64_t id);

  std::size_t in_flight() const { return transfers_.size(); }

 private:
  struct Watch;
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void watch_socket(curl_socket_t fd, int what);
  void arm(const std::shared_ptr<Watch>& watch, bool read);
  void socket_action(curl_socket_t fd, int events);
  void finish_done_transfers();
  void remove_transfer(std::uint64_t id);

  boost::asio::io_context& io_;
  CURLM* multi_;
  boost::asio::steady_timer timer_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  std::unordered_map<CURL*, std::unique_ptr<CurlTransfer>> transfers_;
  std::uint64_t next_id_ = 1;
  bool in_socket_action_ = false;  // inside curl_multi_socket_action: curl's callbacks may be running
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rg
