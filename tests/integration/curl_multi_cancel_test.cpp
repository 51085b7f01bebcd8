// CurlMulti::cancel (added for etcd watches, which never end by themselves): a cancelled transfer
// is gone without its `done` running, whether it is cancelled from outside curl or from inside one
// of its own callbacks (where curl forbids removing a handle, so the removal waits for the loop).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>

#include "net/curl_multi.h"
#include "support/http_test_server.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(20ms);
  }
  return true;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

TEST(CurlMultiCancel, ATransferWaitingOnASlowAnswerIsGoneAtOnceAndItsDoneNeverRuns) {
  test::HttpTestServer server;
  boost::asio::io_context io;
  CurlMulti curl(io);
  auto transfer = std::make_unique<CurlTransfer>();
  const std::string url = server.url("/slow-headers?ms=60000");
  curl_easy_setopt(transfer->handle(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(transfer->handle(), CURLOPT_WRITEFUNCTION, &discard);
  bool done = false;
  transfer->done = [&](CurlTransfer&, CURLcode) { done = true; };
  const auto id = curl.start(std::move(transfer));
  ASSERT_TRUE(run_until(io, [&] { return server.requests("/slow-headers") == 1; }));
  curl.cancel(id);
  EXPECT_EQ(curl.in_flight(), 0u);
  curl.cancel(id);  // already gone: nothing
  io.restart();
  io.poll();
  EXPECT_FALSE(done);
}

struct Canceller {
  CurlMulti* curl = nullptr;
  std::uint64_t id = 0;
  int calls = 0;
};

std::size_t cancel_from_inside(char*, std::size_t size, std::size_t count, void* user) {
  auto* canceller = static_cast<Canceller*>(user);
  ++canceller->calls;
  canceller->curl->cancel(canceller->id);  // inside curl_multi_socket_action: deferred to the loop
  return size * count;
}

TEST(CurlMultiCancel, CancellingFromInsideTheTransfersOwnCallbackWaitsForTheLoop) {
  test::HttpTestServer server;
  boost::asio::io_context io;
  CurlMulti curl(io);
  // A second transfer on the same loop, to show a cancel touches only its own transfer.
  auto other = std::make_unique<CurlTransfer>();
  const std::string ok_url = server.url("/ok");
  curl_easy_setopt(other->handle(), CURLOPT_URL, ok_url.c_str());
  curl_easy_setopt(other->handle(), CURLOPT_WRITEFUNCTION, &discard);
  std::optional<CURLcode> other_done;
  other->done = [&](CurlTransfer&, CURLcode code) { other_done = code; };

  auto transfer = std::make_unique<CurlTransfer>();
  const std::string url = server.url("/match-early");
  Canceller canceller{&curl, 0, 0};
  curl_easy_setopt(transfer->handle(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(transfer->handle(), CURLOPT_WRITEFUNCTION, &cancel_from_inside);
  curl_easy_setopt(transfer->handle(), CURLOPT_WRITEDATA, &canceller);
  bool done = false;
  transfer->done = [&](CurlTransfer&, CURLcode) { done = true; };
  canceller.id = curl.start(std::move(transfer));
  curl.start(std::move(other));
  ASSERT_TRUE(run_until(io, [&] { return canceller.calls > 0 && other_done.has_value(); }));
  ASSERT_TRUE(run_until(io, [&] { return curl.in_flight() == 0; }));
  EXPECT_FALSE(done);
  EXPECT_EQ(*other_done, CURLE_OK);
}

}  // namespace
}  // namespace rg
