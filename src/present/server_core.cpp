#include "present/server_core.h"

#include <spdlog/spdlog.h>

namespace rg {
namespace {

// Beyond the main listener's budget, a few connections for /healthz, /readyz and /gate only.
constexpr std::size_t kHealthReserve = 32;
constexpr std::size_t kHealthReservePerAddress = 4;

ConnectionBudget::Limits main_limits(const ServerConfig& server) {
  return {.total = static_cast<std::size_t>(server.max_clients),
          .per_address = static_cast<std::size_t>(server.max_clients_per_address),
          .reserve = kHealthReserve,
          .reserve_per_address = kHealthReservePerAddress,
          .reserve_open = kHealthReserve / 2};
}

ConnectionBudget::Limits gate_limits(const ServerConfig& server) {
  return {.total = static_cast<std::size_t>(server.gate_max_clients),
          .per_address = static_cast<std::size_t>(std::min(server.gate_max_clients, server.max_clients_per_address)),
          .reserve = 0,
          .reserve_per_address = 0,
          .reserve_open = 0};
}

}  // namespace

ServerCore::ServerCore(boost::asio::io_context& io_context, const Config& configuration)
    : io(io_context),
      config(configuration),
      state(config),
      acceptor(io_context),
      budget(main_limits(config.server)),
      gate_budget(gate_limits(config.server)) {}

SharedMessage ServerCore::snapshot_message() {
  if (!snapshot) snapshot = std::make_shared<const std::string>(state.stream_message("snapshot", now_us()));
  return snapshot;
}

void ServerCore::note_refusal(RefusalReason reason, const std::string& client, std::string_view detail) {
  const auto to_log = refusals.note(reason, client, std::chrono::steady_clock::now());
  if (!to_log) return;
  spdlog::warn("HTTP server refused {} from {}{}{}{}", to_string(reason), client, detail.empty() ? "" : ": ",
               detail, *to_log > 1 ? fmt::format(" ({} times since the last such line)", *to_log) : "");
}

std::vector<std::pair<std::string, std::uint64_t>> ServerCore::refusal_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  for (std::size_t i = 0; i < kRefusalReasons; ++i) {
    const auto reason = static_cast<RefusalReason>(i);
    counts.emplace_back(std::string(to_string(reason)), refusals.count(reason));
  }
  return counts;
}

ServerCore::Registration::Registration(ServerCore& core, std::function<void()> close)
    : core_(&core), id_(core.next_connection_id++) {
  core.closers.emplace(id_, std::move(close));
}

void ServerCore::Registration::reset() {
  if (core_) core_->closers.erase(id_);
  core_ = nullptr;
}

}  // namespace rg
