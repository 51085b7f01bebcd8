#include "support/test_certificates.h"

#include "support/child_process.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <chrono>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace rg::test {

namespace {

using namespace std::chrono_literals;
using days = std::chrono::days;

// ASN.1 GeneralizedTime, as `openssl ca -startdate/-enddate` takes it: "20200101000000Z".
std::string generalized_time(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y%m%d%H%M%SZ", &utc);
  return {text.data(), length};
}

}  // namespace

TestPki::TestPki() : dir_("rg-pki-") {
  auto found = find_executable("openssl");
  if (!found) {
    throw std::runtime_error(
        "TestPki: openssl not found: install Debian package `openssl` (apt-get install openssl)");
  }
  openssl_ = *found;
  std::filesystem::create_directory(file("issued"));
  std::ofstream(file("index.txt"));  // the CA's database of issued certificates, empty
  write_config();

  // Backdated an hour, so a clock a little behind ours still finds them valid.
  const auto now = std::chrono::system_clock::now();
  const std::string not_before = generalized_time(now - 1h);
  ca_ = make_ca();
  valid_ = make_signed("valid", "localhost", "leaf_localhost", not_before, generalized_time(now + days(30)));
  expiring_soon_ =
      make_signed("expiring_soon", "localhost", "leaf_localhost", not_before, generalized_time(now + days(5)));
  expired_ = make_signed("expired", "localhost", "leaf_localhost", "20200101000000Z", "20200102000000Z");
  wrong_name_ =
      make_signed("wrong_name", "other.example", "leaf_other_name", not_before, generalized_time(now + days(30)));
  self_signed_ = make_self_signed("self_signed");
}

void TestPki::write_config() const {
  // One file for `openssl req` and `openssl ca`, so nothing depends on the system's
  // /etc/ssl/openssl.cnf. `openssl ca` needs a database and a serial source even for tests;
  // unique_subject = no lets several certificates share CN=localhost.
  const std::string text = fmt::format(
      "[ req ]\n"
      "distinguished_name = req_dn\n"
      "prompt = no\n"
      "[ req_dn ]\n"
      "CN = placeholder\n"
      "\n"
      "[ ca ]\n"
      "default_ca = test_ca\n"
      "[ test_ca ]\n"
      "database = {index}\n"
      "new_certs_dir = {issued}\n"
      "rand_serial = yes\n"
      "certificate = {ca_cert}\n"
      "private_key = {ca_key}\n"
      "default_md = sha256\n"
      "policy = policy_any\n"
      "unique_subject = no\n"
      "copy_extensions = none\n"
      "email_in_dn = no\n"
      "[ policy_any ]\n"
      "commonName = supplied\n"
      "\n"
      "[ ca_ext ]\n"
      "basicConstraints = critical, CA:TRUE\n"
      "keyUsage = critical, keyCertSign, cRLSign\n"
      "subjectKeyIdentifier = hash\n"
      "\n"
      "[ leaf_localhost ]\n"
      "basicConstraints = critical, CA:FALSE\n"
      "keyUsage = critical, digitalSignature\n"
      "extendedKeyUsage = serverAuth, clientAuth\n"
      "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
      "subjectKeyIdentifier = hash\n"
      "authorityKeyIdentifier = keyid\n"
      "\n"
      "[ leaf_other_name ]\n"
      "basicConstraints = critical, CA:FALSE\n"
      "keyUsage = critical, digitalSignature\n"
      "extendedKeyUsage = serverAuth\n"
      "subjectAltName = DNS:other.example\n"
      "subjectKeyIdentifier = hash\n"
      "authorityKeyIdentifier = keyid\n"
      "\n"
      "[ leaf_self_signed ]\n"
      "basicConstraints = critical, CA:FALSE\n"
      "keyUsage = critical, digitalSignature\n"
      "extendedKeyUsage = serverAuth\n"
      "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
      "subjectKeyIdentifier = hash\n",
      fmt::arg("index", file("index.txt").string()), fmt::arg("issued", file("issued").string()),
      fmt::arg("ca_cert", file("ca.crt").string()), fmt::arg("ca_key", file("ca.key").string()));
  std::ofstream out(file("pki.cnf"), std::ios::trunc);
  out << text;
  if (!out.flush()) {
    throw std::runtime_error("TestPki: cannot write " + file("pki.cnf").string());
  }
}

void TestPki::openssl(std::vector<std::string> args) const {
  const auto log = file("openssl.log");
  std::filesystem::remove(log);
  std::vector<std::string> argv{openssl_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string command = fmt::format("{}", fmt::join(argv, " "));
  const int status = run_command(std::move(argv), log);
  if (status != 0) {
    throw std::runtime_error(
        fmt::format("TestPki: `{}` exited with status {}:\n{}", command, status, file_tail(log)));
  }
}

CertificateFiles TestPki::make_ca() {
  CertificateFiles ca{file("ca.crt"), file("ca.key")};
  openssl({"req", "-config", file("pki.cnf").string(), "-x509", "-newkey", "ec", "-pkeyopt",
           "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca.key.string(), "-out", ca.cert.string(), "-days", "3650",
           "-subj", "/CN=regionguard test CA", "-extensions", "ca_ext"});
  return ca;
}

CertificateFiles TestPki::make_signed(std::string_view name, std::string_view common_name,
                                      std::string_view extensions, const std::string& not_before,
                                      const std::string& not_after) {
  CertificateFiles leaf{file(fmt::format("{}.crt", name)), file(fmt::format("{}.key", name))};
  const auto request = file(fmt::format("{}.csr", name));
  openssl({"req", "-config", file("pki.cnf").string(), "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
           "-nodes", "-keyout", leaf.key.string(), "-out", request.string(), "-subj",
           fmt::format("/CN={}", common_name)});
  // `openssl ca` rather than `openssl x509 -req`: only it takes an explicit validity period
  // (OpenSSL 3.0's x509 has no -not_before/-not_after), which the expired certificate needs.
  openssl({"ca", "-config", file("pki.cnf").string(), "-batch", "-notext", "-in", request.string(), "-out",
           leaf.cert.string(), "-startdate", not_before, "-enddate", not_after, "-extensions",
           std::string(extensions)});
  return leaf;
}

CertificateFiles TestPki::make_self_signed(std::string_view name) {
  CertificateFiles leaf{file(fmt::format("{}.crt", name)), file(fmt::format("{}.key", name))};
  openssl({"req", "-config", file("pki.cnf").string(), "-x509", "-newkey", "ec", "-pkeyopt",
           "ec_paramgen_curve:P-256", "-nodes", "-keyout", leaf.key.string(), "-out", leaf.cert.string(), "-days",
           "30", "-subj", "/CN=localhost", "-extensions", "leaf_self_signed"});
  return leaf;
}

}  // namespace rg::test
