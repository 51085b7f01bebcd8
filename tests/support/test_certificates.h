#pragma once

// A small public-key infrastructure for TLS tests, made with the `openssl` command (Debian
// package `openssl`) in a temporary directory: a test CA and server certificates that are
// good, about to expire, expired, for another name, or signed by nobody the client trusts.
// Keys are ECDSA P-256, which is quick to generate; every file is PEM.

#include "support/temp_dir.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rg::test {

// A certificate and its private key, ready for HttpTestServerOptions{.cert, .key}.
struct CertificateFiles {
  std::filesystem::path cert{};
  std::filesystem::path key{};
};

class TestPki {
 public:
  // Runs openssl to make the CA and every certificate below (a few tens of milliseconds).
  // Throws std::runtime_error when openssl is missing (with an install hint) or fails (with
  // its output).
  TestPki();

  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // The CA that signed every certificate but self_signed(): what the client trusts
  // (curl --cacert, CURLOPT_CAINFO). Valid from an hour ago for ten years.
  const std::filesystem::path& ca_cert() const { return ca_.cert; }
  const std::filesystem::path& ca_key() const { return ca_.key; }

  // Signed by the CA, for DNS:localhost and IP:127.0.0.1 (CN localhost), valid from an hour
  // ago for 30 days: verifies for https://localhost:PORT and https://127.0.0.1:PORT. Usable as a
  // client certificate too (an etcd member with --client-cert-auth accepts it).
  const CertificateFiles& valid() const { return valid_; }
  // As valid(), but it expires 5 days from now: verifies, and an expiry check warns.
  const CertificateFiles& expiring_soon() const { return expiring_soon_; }
  // As valid(), but valid only from 2020-01-01 to 2020-01-02: fails as expired.
  const CertificateFiles& expired() const { return expired_; }
  // Signed by the CA and valid now, but only for DNS:other.example (CN other.example):
  // fails as a name mismatch for localhost and 127.0.0.1.
  const CertificateFiles& wrong_name() const { return wrong_name_; }
  // For localhost and 127.0.0.1 and valid now, but self-signed, not signed by the CA.
  const CertificateFiles& self_signed() const { return self_signed_; }

  const std::filesystem::path& directory() const { return dir_.path(); }

 private:
  std::filesystem::path file(std::string_view name) const { return dir_.path() / name; }
  void write_config() const;
  // Runs openssl with these arguments; throws with its output if it fails.
  void openssl(std::vector<std::string> args) const;
  CertificateFiles make_ca();
  // A new key and a certificate for it signed by the CA with the given extensions section
  // of the config and validity ("YYYYMMDDHHMMSSZ").
  CertificateFiles make_signed(std::string_view name, std::string_view common_name, std::string_view extensions,
                               const std::string& not_before, const std::string& not_after);
  CertificateFiles make_self_signed(std::string_view name);

  TempDir dir_;
  std::filesystem::path openssl_;
  CertificateFiles ca_;
  CertificateFiles valid_;
  CertificateFiles expiring_soon_;
  CertificateFiles expired_;
  CertificateFiles wrong_name_;
  CertificateFiles self_signed_;
};

}  // namespace rg::test
