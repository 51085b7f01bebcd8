#include "analyze/inversion.h"

namespace rg {

void apply_inversion(const EndpointConfig& endpoint, ProbeResult& result) {
  if (!endpoint.inverted) return;
  if (result.success) {
    result.success = false;
    result.failure = FailureKind::inverted;
    result.error = "the check passed, and it is inverted";
  } else {
    // The target failed, which is what an inverted check wants: healthy, nothing to explain.
    result.success = true;
    result.failure = FailureKind::none;
    result.error.clear();
  }
}

}  // namespace rg
