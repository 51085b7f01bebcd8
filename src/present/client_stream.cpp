#include "present/client_stream.h"

#include <spdlog/spdlog.h>

namespace rg {

std::function<void(std::exception_ptr)> log_unexpected(std::string_view what) {
  return [what](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("{}: unexpected error: {}", what, e.what());
    } catch (...) {
      spdlog::error("{}: unexpected error", what);
    }
  };
}

}  // namespace rg
