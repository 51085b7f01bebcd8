# The Debian package, made by CPack's DEB generator from the same build tree as the tests
# (scripts/package.sh runs cpack on build/ci): nothing is compiled twice, and no debhelper is
# needed (README "Install" says why this and not a debian/ directory). CPack does what debhelper
# would: dependencies from dpkg-shlibdeps, the binary stripped into a -dbgsym package, md5sums;
# the maintainer scripts in deploy/package/ add the system user and enable the unit.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME regionguard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "regionguard maintainers <maintainers@users.noreply.b-seed-b9e1e3a4.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "multi-region resilience monitor and failover controller")
# The extended description: CPack indents each line and turns an empty one into " .".
set(CPACK_PACKAGE_DESCRIPTION
    "regionguard watches an application that runs in several AWS regions: DNS
answers of the regional service endpoints, HTTP and TCP health checks and
AWS resource checks, classified with hysteresis into a region health score,
with anomaly detection and alerts grouped by root cause.

When a region goes bad it can move traffic (Route 53, CloudFront, RFC 2136)
as a journaled plan with verification and rollback, automatically, after
approval, or as a dry run. It serves a dashboard, a REST API and Prometheus
metrics on 127.0.0.1:8080 and keeps its history in SQLite.")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # regionguard_VERSION_ARCH.deb
# Native versioning (no Debian revision): the package is made by the project itself.
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst creates the system user with adduser; everything else comes from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
# CPack splits the debug information into regionguard-dbgsym (usr/lib/debug/.build-id/) and
# strips the binary itself; CPACK_STRIP_FILES would strip first and leave nothing to split.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# Paths under /etc, /var and /lib are absolute install destinations: install everything under
# the staging directory as DESTDIR with the prefix /usr, as `make install DESTDIR=` would.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# gzip: Debian 12's lintian refuses data.tar.zst, and xz takes minutes over the -dbgsym
# package's ~300 MB of DWARF on two cores, where gzip takes about 15 s.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${RG_PACKAGE_SOURCE_DIR}/conffiles ${RG_PACKAGE_SOURCE_DIR}/postinst ${RG_PACKAGE_SOURCE_DIR}/prerm
    ${RG_PACKAGE_SOURCE_DIR}/postrm)
install(FILES ${RG_PACKAGE_SOURCE_DIR}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME regionguard)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_SOURCE_DIR}/build/package)
# CPack's staging tree inside the build tree; the packages themselves in build/package/.
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/cpack)

if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "regionguard: the Debian package needs CMAKE_INSTALL_PREFIX=/usr (preset ci or release); "
                 "this tree has ${CMAKE_INSTALL_PREFIX}")
endif()

include(CPack)
