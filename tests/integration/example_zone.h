#pragma once
// The zone the daemon and CLI tests serve from knotd: three endpoints in two regions, so that
// a fault on one of them changes one region's card, one service cell and the counts.
#include <string>
#include <tuple>
#include <vector>

#include "support/knot_server.h"

namespace rg::test {

inline KnotOptions example_zone() {
  return {.zone = "example.test.",
          .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                      {"s3.us-east-1", "A", "192.0.2.20", 60},
                      {"dynamodb.eu-west-1", "A", "192.0.2.30", 60}},
          .update_key = std::nullopt};
}

// `count` names e0 … e{count-1} in example.test. and the endpoints that probe them (service s3,
// region us-east-1): a round's message of tens of kilobytes, for the slow WebSocket client tests.
struct NumberedZone {
  KnotOptions zone;
  std::vector<std::tuple<std::string, std::string, std::string>> endpoints;  // hostname, service, region
};

inline NumberedZone numbered_zone(int count) {
  NumberedZone numbered{.zone = {.zone = "example.test.", .records = {}, .update_key = std::nullopt}, .endpoints = {}};
  for (int i = 0; i < count; ++i) {
    numbered.zone.records.push_back({"e" + std::to_string(i), "A", "192.0.2." + std::to_string(i % 250 + 1), 60});
    numbered.endpoints.emplace_back("e" + std::to_string(i) + ".example.test", "s3", "us-east-1");
  }
  return numbered;
}

}  // namespace rg::test
