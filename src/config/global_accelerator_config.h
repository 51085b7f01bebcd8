#pragma once
// `plan.global_accelerator` (read by global_accelerator_reader.cpp): the accelerator's endpoint
// group of each region, and how a move shifts traffic between them.
#include <map>
#include <string>

namespace rg {

enum class AcceleratorMethodConfig { dials, weights };

struct GlobalAcceleratorConfig {
  // region -> endpoint group ARN (arn:aws:globalaccelerator::ACCOUNT:accelerator/ID/listener/ID/endpoint-group/ID);
  // every region of the application has one.
  std::map<std::string, std::string> endpoint_groups;
  // dials: TrafficDialPercentage target 100, source 0; weights: the source's endpoints Weight 0,
  // the target's endpoints at 0 get `weight`.
  AcceleratorMethodConfig method = AcceleratorMethodConfig::dials;
  int weight = 128;  // 1-255, weights only (Global Accelerator's default weight)
  friend bool operator==(const GlobalAcceleratorConfig&, const GlobalAcceleratorConfig&) = default;
};

}  // namespace rg
