#include "aws/client_credentials.h"

#include <boost/asio/post.hpp>

#include <vector>

namespace rg::aws {

void FixedCredentials::get(TimePoint, CredentialsCallback done) { done(credentials_); }

struct RefreshingCredentials::State {
  State(boost::asio::io_context& l, std::unique_ptr<CredentialProvider> p, HttpSend s, RefreshPolicy policy)
      : loop(l), provider(std::move(p)), send(std::move(s)), cache(policy) {}

  // Read by the worker only while a refresh runs (one at a time).
  boost::asio::io_context& loop;
  std::unique_ptr<CredentialProvider> provider;
  HttpSend send;
  // Loop thread only.
  CachedCredentials cache;
  bool refreshing = false;
  bool alive = true;
  std::vector<CredentialsCallback> waiting;
};

RefreshingCredentials::RefreshingCredentials(boost::asio::io_context& loop, std::unique_ptr<CredentialProvider> provider,
                                             HttpSend blocking_send, RefreshPolicy policy)
    : description_(provider ? provider->describe() : "no credential provider"),
      state_(std::make_shared<State>(loop, std::move(provider), std::move(blocking_send), policy)) {}

RefreshingCredentials::~RefreshingCredentials() {
  state_->alive = false;
  state_->waiting.clear();
  worker_.wait_idle();
}

void RefreshingCredentials::get(TimePoint now, CredentialsCallback done) {
  State& s = *state_;
  switch (s.cache.need(now)) {
    case RefreshNeed::none:
      done(*s.cache.get(now));
      return;
    case RefreshNeed::advisory:
      refresh(now);
      done(*s.cache.get(now));
      return;
    case RefreshNeed::mandatory:
      s.waiting.push_back(std::move(done));
      refresh(now);
      return;
  }
}

void RefreshingCredentials::invalidate() { state_->cache.clear(); }

void RefreshingCredentials::refresh(TimePoint now) {
  if (state_->refreshing) return;
  if (!state_->provider) {
    auto waiting = std::move(state_->waiting);
    state_->waiting.clear();
    for (auto& w : waiting) w(std::unexpected(make_error(AwsErrorKind::no_credentials, "no credential provider")));
    return;
  }
  state_->refreshing = true;
  // Always admitted: the loop posts one refresh at a time, and only once the last has reported.
  (void)worker_.post([state = state_, now] {
    auto loaded = load_credentials(*state->provider, now, state->send);
    boost::asio::post(state->loop, [state, loaded = std::move(loaded)]() mutable {
      if (!state->alive) return;
      state->refreshing = false;
      if (loaded) state->cache.store(*loaded);
      auto waiting = std::move(state->waiting);
      state->waiting.clear();
      for (auto& w : waiting) {
        if (loaded) w(*loaded);
        else w(std::unexpected(loaded.error()));
      }
    });
  });
}

}  // namespace rg::aws
