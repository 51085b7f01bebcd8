# `cmake --install`: regionguard laid out as the FHS (and Debian) expect, with the prefix /usr:
#   /usr/bin/regionguard                        the program
#   /usr/share/regionguard/web/                 the dashboard (found without a web_root:
#                                               config/install_paths.h)
#   /etc/regionguard/regionguard.yaml           config/regionguard.yaml, store and dashboard paths
#                                               rewritten for an installed system
#   /lib/systemd/system/regionguard.service     deploy/systemd/regionguard.service, rewritten for
#                                               the package (see below)
#   /var/lib/regionguard/                       the store (SQLite, failover journal)
#   /usr/share/doc/regionguard/, /usr/share/man/man1/regionguard.1.gz
# Files under /etc, /var and /lib are absolute destinations: CPack installs them under its staging
# directory (CPACK_SET_DESTDIR in cmake/debian_package.cmake), `cmake --install` under DESTDIR.

set(RG_PACKAGE_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/deploy/package)
set(RG_GENERATED_DIR ${CMAKE_CURRENT_BINARY_DIR}/installed)
set(RG_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/regionguard)
set(RG_STATE_DIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/regionguard)
set(RG_WEB_INSTALL_DIR ${CMAKE_INSTALL_FULL_DATADIR}/regionguard/web)
# Debian 12 still ships units in /lib/systemd/system (the /usr merge moves them later); other
# prefixes keep them under the prefix.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(RG_SYSTEMD_UNIT_DIR_DEFAULT /lib/systemd/system)
else()
  set(RG_SYSTEMD_UNIT_DIR_DEFAULT ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(RG_SYSTEMD_UNIT_DIR ${RG_SYSTEMD_UNIT_DIR_DEFAULT} CACHE PATH "Where cmake --install puts regionguard.service")

# string(REPLACE) that fails the configure step when `from` is not in the text: the installed
# files are derived from the checkout's, and an edit there that moves a rewritten line must stop
# the build rather than ship a checkout's path.
function(rg_replace_checked text_var from to what)
  string(FIND "${${text_var}}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected to find `${from}` to rewrite for the installed file (cmake/install.cmake)")
  endif()
  string(REPLACE "${from}" "${to}" text "${${text_var}}")
  set(${text_var} "${text}" PARENT_SCOPE)
endfunction()

# /etc/regionguard/regionguard.yaml: the default configuration with the store in the state
# directory and the installed dashboard named (it would also be found without the line).
set(config_source ${CMAKE_CURRENT_SOURCE_DIR}/config/regionguard.yaml)
file(READ ${config_source} config_text)
rg_replace_checked(config_text "  # Next to this file unless absolute.\n  path: regionguard.db\n"
                   "  # Next to this file unless absolute: the package's state directory.\n  path: ${RG_STATE_DIR}/regionguard.db\n"
                   ${config_source})
rg_replace_checked(config_text "  web_root: ../web/dist\n" "  web_root: ${RG_WEB_INSTALL_DIR}\n" ${config_source})
file(WRITE ${RG_GENERATED_DIR}/regionguard.yaml "${config_text}")

# The packaged unit: deploy/systemd/regionguard.service (the one source of the hardening, also the
# monitor template's unit) with the prefix's paths, the `regionguard` system user the package
# creates instead of a dynamic one (its state directory is a package directory, which a dynamic
# user's /var/lib/private/ would not be), and no token credential (the package installs none; a
# drop-in can add LoadCredential= with server.token_file, README "Install").
set(unit_source ${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/regionguard.service)
file(READ ${unit_source} unit_text)
rg_replace_checked(unit_text "/usr/local/bin/regionguard" "${CMAKE_INSTALL_FULL_BINDIR}/regionguard" ${unit_source})
rg_replace_checked(unit_text "file:/usr/local/share/doc/regionguard/README.md" "man:regionguard(1)" ${unit_source})
rg_replace_checked(unit_text "/etc/regionguard/" "${RG_CONFIG_DIR}/" ${unit_source})
rg_replace_checked(unit_text "a transient user" "the package's system user" ${unit_source})
rg_replace_checked(unit_text "DynamicUser=yes\n" "User=regionguard\nGroup=regionguard\n" ${unit_source})
rg_replace_checked(unit_text "LoadCredential=token:${RG_CONFIG_DIR}/regionguard.token\n"
                   "# (the package installs no token: add LoadCredential= in a drop-in to use one)\n" ${unit_source})
file(WRITE ${RG_GENERATED_DIR}/regionguard.service
     "# Generated from deploy/systemd/regionguard.service by cmake/install.cmake for an installed\n"
     "# regionguard (the Debian package): edit that file, not this one.\n${unit_text}")

# The manual page and the changelog, compressed as Debian wants them (gzip -n: no timestamp, so
# the package is reproducible).
find_program(RG_GZIP gzip REQUIRED)
foreach(pair "regionguard.1;regionguard.1.gz" "changelog;changelog.gz")
  list(GET pair 0 source)
  list(GET pair 1 target)
  execute_process(COMMAND ${RG_GZIP} -9 -n -c ${RG_PACKAGE_SOURCE_DIR}/${source}
                  OUTPUT_FILE ${RG_GENERATED_DIR}/${target} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${config_source} ${unit_source} ${RG_PACKAGE_SOURCE_DIR}/regionguard.1 ${RG_PACKAGE_SOURCE_DIR}/changelog)

install(TARGETS regionguard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${RG_WEB_DIR}/dist/ DESTINATION ${CMAKE_INSTALL_DATADIR}/regionguard/web
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${RG_GENERATED_DIR}/regionguard.yaml DESTINATION ${RG_CONFIG_DIR})
install(FILES ${RG_GENERATED_DIR}/regionguard.service DESTINATION ${RG_SYSTEMD_UNIT_DIR})
# Empty in the package; owned by the regionguard user once postinst has made it.
install(DIRECTORY DESTINATION ${RG_STATE_DIR})
install(FILES ${RG_GENERATED_DIR}/regionguard.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${RG_PACKAGE_SOURCE_DIR}/copyright ${RG_GENERATED_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
