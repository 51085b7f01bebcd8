#pragma once
// What the failover controller tells the alert rules (the `failover` rule's input) each round.
#include <string>

namespace rg {

// A plan started, finished, failed or rolled back.
struct FailoverSignal {
  std::string application;
  std::string region;
  std::string message;
};

}  // namespace rg
