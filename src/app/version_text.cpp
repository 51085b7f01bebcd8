#include "app/version_text.h"

#include <ares.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "rg_git_commit.h"  // generated at build time (cmake/git_commit.cmake)

namespace rg {

std::string version_text() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  return fmt::format(
      "regionguard {} (commit {})\n"
      "  c-ares {}\n"
      "  curl {}\n"
      "  {}\n"  // OpenSSL names itself with its release date: "OpenSSL 3.0.17 1 Jul 2025"
      "  SQLite {}\n",
      RG_VERSION, RG_GIT_COMMIT, ares_version(nullptr), curl->version, OpenSSL_version(OPENSSL_VERSION),
      sqlite3_libversion());
}

}  // namespace rg
