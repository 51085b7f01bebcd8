#pragma once
// WebSocket fan-out, after Beast's chat-multi shared_state: the hub keeps weak pointers to the
// clients, copies them before sending (a send may drop a client, which leaves the hub), and
// hands every client the same serialized message. Each client has a bounded queue; one that
// falls behind is dropped instead of growing memory or slowing the others. Everything here runs
// on the event loop's single thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

namespace rg {

using SharedMessage = std::shared_ptr<const std::string>;

// A client's messages waiting to be written: at most `max_messages`, and at most `max_bytes`
// together (a message shared by every client still counts for each queue it sits in).
class SendQueue {
 public:
  SendQueue(std::size_t max_messages, std::size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  // False, leaving the queue as it was, when the message does not fit: the client is too slow.
  bool push(SharedMessage message);
  SharedMessage pop();  // the oldest; the queue must not be empty
  void clear();
  bool empty() const { return messages_.empty(); }
  std::size_t size() const { return messages_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::deque<SharedMessage> messages_;
  std::size_t bytes_ = 0;
};

// What the hub needs of a session.
class WsClient {
 public:
  // too_slow and flood close with 1008 (policy), going_away with 1001 (shutdown), lifetime with
  // 1000 (server.websocket_max_age reached: reconnect).
  enum class CloseReason { too_slow, flood, going_away, lifetime };
  virtual ~WsClient() = default;
  // Queues the message; a client whose queue is full closes itself as too slow.
  virtual void send(SharedMessage message) = 0;
  // Sends the close frame for `reason` and disconnects.
  virtual void close(CloseReason reason) = 0;
};

class WsHub {
 public:
  void join(const std::shared_ptr<WsClient>& client);
  void leave(const WsClient* client);
  // To every client, outside any iteration over the hub itself.
  void broadcast(const SharedMessage& message);
  void close_all();  // shutdown: 1001 to everyone

  std::size_t size() const { return clients_.size(); }
  void count_dropped() { ++dropped_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::unordered_map<const WsClient*, std::weak_ptr<WsClient>> clients_;
  std::uint64_t dropped_ = 0;
};

}  // namespace rg
