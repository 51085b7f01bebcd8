#include "present/ws_hub.h"

#include <vector>

namespace rg {

bool SendQueue::push(SharedMessage message) {
  if (messages_.size() >= max_messages_ || bytes_ + message->size() > max_bytes_) return false;
  bytes_ += message->size();
  messages_.push_back(std::move(message));
  return true;
}

SharedMessage SendQueue::pop() {
  SharedMessage message = std::move(messages_.front());
  messages_.pop_front();
  bytes_ -= message->size();
  return message;
}

void SendQueue::clear() {
  messages_.clear();
  bytes_ = 0;
}

void WsHub::join(const std::shared_ptr<WsClient>& client) { clients_.emplace(client.get(), client); }

void WsHub::leave(const WsClient* client) { clients_.erase(client); }

namespace {
std::vector<std::shared_ptr<WsClient>> lock_all(const std::unordered_map<const WsClient*, std::weak_ptr<WsClient>>& clients) {
  std::vector<std::shared_ptr<WsClient>> locked;
  locked.reserve(clients.size());
  for (const auto& [key, weak] : clients)
    if (auto client = weak.lock()) locked.push_back(std::move(client));
  return locked;
}
}  // namespace

void WsHub::broadcast(const SharedMessage& message) {
  for (const auto& client : lock_all(clients_)) client->send(message);
}

void WsHub::close_all() {
  for (const auto& client : lock_all(clients_)) client->close(WsClient::CloseReason::going_away);
}

}  // namespace rg
