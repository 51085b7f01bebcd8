#include "config/install_paths.h"

// Defined by CMakeLists.txt for this file alone, so changing the install prefix rebuilds one file.
#ifndef RG_INSTALLED_WEB_ROOT
#error "RG_INSTALLED_WEB_ROOT must be defined by the build (CMAKE_INSTALL_FULL_DATADIR/regionguard/web)"
#endif

namespace rg {

std::string installed_web_root() { return RG_INSTALLED_WEB_ROOT; }

}  // namespace rg
