#pragma once
// A failover journal whose "shop" lease this test process holds for an hour, as the daemon holds
// its applications' leases: plans begin only under the lease (store/failover_journal.h).
#include <memory>
#include <stdexcept>
#include <string>

#include "store/sqlite_failover_journal.h"

namespace rg::test {

inline std::unique_ptr<FailoverJournal> open_owned_journal(const std::string& path, const std::string& app = "shop") {
  auto journal = SqliteFailoverJournal::open(path);
  if (!journal) throw std::runtime_error(journal.error().message);
  const auto lease = (*journal)->acquire_lease(app, this_process_holder(), now_us(), std::chrono::hours(1));
  if (!lease || !lease->ours) throw std::runtime_error("the test cannot take the lease of " + app);
  return std::move(*journal);
}

}  // namespace rg::test
