#include "config/config.h"

namespace rg {

const ServiceConfig* Config::find_service(std::string_view name) const {
  for (const ServiceConfig& service : services) {
    if (service.name == name) {
      return &service;
    }
  }
  return nullptr;
}

Thresholds Config::thresholds_for(const EndpointConfig& endpoint) const {
  const ServiceConfig* service = find_service(endpoint.service);
  if (service != nullptr && service->thresholds) {
    return *service->thresholds;
  }
  return thresholds;
}

}  // namespace rg
