#include "analyze/uptime.h"

namespace rg {

UptimeStats combine(const UptimeStats& a, const UptimeStats& b) {
  return UptimeStats{
      .total = a.total + b.total,
      .successes = a.successes + b.successes,
      .healthy = a.healthy + b.healthy,
      .warning = a.warning + b.warning,
      .critical = a.critical + b.critical,
  };
}

}  // namespace rg
