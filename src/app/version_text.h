#pragma once
// `regionguard --version`: what a packager or an operator filing a bug needs to name the build,
// as `blackbox_exporter --version` prints it: the version, the git commit it was built from, and
// the versions of the libraries it runs with (read from the libraries at run time, so a binary
// running against an upgraded libcurl says so).
#include <string>

namespace rg {

// "regionguard 0.1.0 (commit 76abdaf01234)\n  c-ares 1.18.1\n  curl 7.88.1\n ..." ending in '\n'.
std::string version_text();

}  // namespace rg
