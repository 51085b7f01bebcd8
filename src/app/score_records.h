#pragma once
// A round's region health scores as the store keeps them.
#include <vector>

#include "analyze/region_score.h"
#include "store/store.h"

namespace rg {

inline std::vector<RegionScoreRecord> score_records(const std::vector<RegionHealthScore>& scores, TimePoint at) {
  std::vector<RegionScoreRecord> records;
  for (const auto& s : scores) records.push_back({s.region, at, s.score, s.dns, s.endpoints, s.resources});
  return records;
}

}  // namespace rg
