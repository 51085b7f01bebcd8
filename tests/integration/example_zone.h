#pragma once
// The zone the daemon and CLI tests serve from knotd: three endpoints in two regions, so that
// a fault on one of them changes one region's card, one service cell and the counts.
#include "support/knot_server.h"

namespace rg::test {

inline KnotOptions example_zone() {
  return {.zone = "example.test.",
          .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                      {"s3.us-east-1", "A", "192.0.2.20", 60},
                      {"dynamodb.eu-west-1", "A", "192.0.2.30", 60}},
          .update_key = std::nullopt};
}

}  // namespace rg::test
