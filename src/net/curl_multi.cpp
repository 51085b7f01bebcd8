#include "net/curl_multi.h"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <mutex>
#include <stdexcept>

namespace rg {
namespace {
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl: global init failed");
  });
}
}  // namespace

CurlTransfer::CurlTransfer() : easy_(curl_easy_init()) {
  if (easy_ == nullptr) throw std::runtime_error("libcurl: cannot create a transfer");
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);  // never SIGALRM: we are one thread among others
}

CurlTransfer::~CurlTransfer() {
  curl_easy_cleanup(easy_);
  for (auto* list : lists_) curl_slist_free_all(list);
}

curl_slist* CurlTransfer::keep_list(curl_slist* list) {
  lists_.push_back(list);
  return list;
}

// A socket curl asked us to watch; curl owns the fd and tells us (CURL_POLL_REMOVE) before it
// closes it, and we release the descriptor then.
struct CurlMulti::Watch {
  Watch(boost::asio::io_context& io, curl_socket_t socket) : descriptor(io, socket), fd(socket) {}
  boost::asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

CurlMulti::CurlMulti(boost::asio::io_context& io) : io_(io), multi_(nullptr), timer_(io) {
  init_curl_once();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("libcurl: cannot create a multi handle");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() {
  *alive_ = false;
  for (auto& [easy, transfer] : transfers_) curl_multi_remove_handle(multi_, easy);
  transfers_.clear();
  curl_multi_cleanup(multi_);  // closes cached connections, through on_socket(REMOVE)
  for (auto& [fd, watch] : watches_) {
    watch->removed = true;
    watch->descriptor.release();
  }
}

std::uint64_t CurlMulti::start(std::unique_ptr<CurlTransfer> transfer) {
  CURL* easy = transfer->handle();
  const std::uint64_t id = transfer->id_ = next_id_++;
  transfers_.emplace(easy, std::move(transfer));
  if (const CURLMcode rc = curl_multi_add_handle(multi_, easy); rc != CURLM_OK) {
    auto failed = std::move(transfers_.at(easy));
    transfers_.erase(easy);
    boost::asio::post(io_, [failed = std::shared_ptr<CurlTransfer>(std::move(failed))] {
      if (failed->done) failed->done(*failed, CURLE_FAILED_INIT);
    });
  }
  return id;
}

void CurlMulti::cancel(std::uint64_t id) {
  if (!in_socket_action_) {
    remove_transfer(id);
    return;
  }
  for (auto& [easy, transfer] : transfers_)
    if (transfer->id_ == id) transfer->cancelled_ = true;
  boost::asio::post(io_, [this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) remove_transfer(id);
  });
}

void CurlMulti::remove_transfer(std::uint64_t id) {
  for (auto it = transfers_.begin(); it != transfers_.end(); ++it) {
    if (it->second->id_ != id) continue;
    curl_multi_remove_handle(multi_, it->first);
    transfers_.erase(it);  // destroys the transfer without calling `done`
    return;
  }
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  static_cast<CurlMulti*>(self)->watch_socket(fd, what);
  return 0;
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* multi = static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    multi->timer_.cancel();
    return 0;
  }
  // A 0 ms timeout ("act now") is posted rather than timed: re-arming the timer for it costs a
  // timerfd_settime per transfer, a fifth of the CPU at a few thousand checks a second. Either
  // way it goes through the loop, since calling socket_action from inside this callback would
  // re-enter curl. An older timer left armed only causes one harmless extra socket_action.
  if (timeout_ms == 0) {
    boost::asio::post(multi->io_, [multi, alive = std::weak_ptr<bool>(multi->alive_)] {
      if (!alive.expired()) multi->socket_action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }
  multi->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  multi->timer_.async_wait([multi, alive = std::weak_ptr<bool>(multi->alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    multi->socket_action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void CurlMulti::watch_socket(curl_socket_t fd, int what) {
  auto it = watches_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != watches_.end()) {
      it->second->removed = true;
      it->second->descriptor.release();
      watches_.erase(it);
    }
    return;
  }
  if (it == watches_.end()) it = watches_.emplace(fd, std::make_shared<Watch>(io_, fd)).first;
  auto watch = it->second;
  watch->want_read = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
  watch->want_write = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
  if (watch->want_read) arm(watch, true);
  if (watch->want_write) arm(watch, false);
}

void CurlMulti::arm(const std::shared_ptr<Watch>& watch, bool read) {
  bool& busy = read ? watch->reading : watch->writing;
  if (busy || watch->removed) return;
  busy = true;
  watch->descriptor.async_wait(
      read ? boost::asio::posix::descriptor_base::wait_read : boost::asio::posix::descriptor_base::wait_write,
      [this, watch, read, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        (read ? watch->reading : watch->writing) = false;
        if (ec || watch->removed || alive.expired()) return;
        socket_action(watch->fd, read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
        // curl may have removed the socket or changed what it wants meanwhile.
        if (!watch->removed && (read ? watch->want_read : watch->want_write)) arm(watch, read);
      });
}

void CurlMulti::socket_action(curl_socket_t fd, int events) {
  int running = 0;
  in_socket_action_ = true;
  curl_multi_socket_action(multi_, fd, events, &running);
  in_socket_action_ = false;
  finish_done_transfers();
}

void CurlMulti::finish_done_transfers() {
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &pending)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) continue;
    auto transfer = std::move(it->second);
    transfers_.erase(it);
    if (transfer->done && !transfer->cancelled_) transfer->done(*transfer, code);
  }
}

}  // namespace rg
