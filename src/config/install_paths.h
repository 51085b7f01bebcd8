#pragma once
// Where an installed regionguard keeps what it ships (cmake --install, the Debian package): the
// paths are compiled in from CMake's GNUInstallDirs (CMAKE_INSTALL_FULL_DATADIR), so a
// configuration under /etc/regionguard needs no web_root of its own.
#include <string>

namespace rg {

// The installed dashboard: DATADIR/regionguard/web (/usr/share/regionguard/web in the package).
std::string installed_web_root();

}  // namespace rg
