// `cluster.etcd.tls` (issue 17): the agents reach etcd over TLS with the members' CA and a client
// certificate, as deploy/cluster/etcd.default sets the members up. One real etcd member on
// loopback serving https with --client-cert-auth, certificates from the openssl command.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <thread>

#include "cluster/etcd_client.h"
#include "support/child_process.h"
#include "support/etcd_cluster.h"
#include "support/free_port.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

class EtcdTlsTest : public ::testing::Test {
 protected:
  EtcdTlsTest() : client_port_(test::free_port()), peer_port_(test::free_port()) {
    const auto client = fmt::format("https://127.0.0.1:{}", client_port_);
    const auto peer = fmt::format("http://127.0.0.1:{}", peer_port_);
    member_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{test::find_etcd().string(), "--name", "tls", "--data-dir", (dir_.path() / "data").string(),
                                 "--listen-client-urls", client, "--advertise-client-urls", client,
                                 "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                                 "--initial-cluster", "tls=" + peer, "--cert-file", pki_.valid().cert.string(),
                                 "--key-file", pki_.valid().key.string(), "--trusted-ca-file", pki_.ca_cert().string(),
                                 "--client-cert-auth", "--log-level", "warn"},
        dir_.path() / "etcd.log");
  }

  EtcdSettings settings() const {
    EtcdSettings s;
    s.endpoints = {fmt::format("https://127.0.0.1:{}", client_port_)};
    s.ca_file = pki_.ca_cert().string();
    s.cert_file = pki_.valid().cert.string();
    s.key_file = pki_.valid().key.string();
    s.timeout = 2s;
    return s;
  }

  // Waits until the member answers a client with the right certificates (it elects itself first).
  void wait_until_serving() {
    EtcdBlockingClient client(settings());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (client.put("/ready", "1")) return;
      ASSERT_TRUE(member_->running()) << test::file_tail(dir_.path() / "etcd.log");
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "the TLS member never answered; log:\n" << test::file_tail(dir_.path() / "etcd.log");
  }

  test::TempDir dir_{"rg-etcd-tls-"};
  test::TestPki pki_;
  std::uint16_t client_port_;
  std::uint16_t peer_port_;
  std::unique_ptr<test::ChildProcess> member_;
};

TEST_F(EtcdTlsTest, WithTheMembersCaAndAClientCertificateTheAgentsCallsGoThrough) {
  ASSERT_NO_FATAL_FAILURE(wait_until_serving());
  EtcdBlockingClient client(settings());
  ASSERT_TRUE(client.put("/regionguard/k", "v"));
  const auto read = client.range("/regionguard/k");
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->ranges.at(0).size(), 1u);
  EXPECT_EQ(read->ranges[0][0].value, "v");
  const auto lease = client.grant(5s);
  ASSERT_TRUE(lease) << lease.error().message;
  EXPECT_EQ(lease->ttl, 5s);
}

TEST_F(EtcdTlsTest, WithoutAClientCertificateOrWithAnotherCaNothingGoesThrough) {
  ASSERT_NO_FATAL_FAILURE(wait_until_serving());
  auto no_certificate = settings();
  no_certificate.cert_file.clear();
  no_certificate.key_file.clear();
  const auto refused = EtcdBlockingClient(no_certificate).put("/regionguard/k", "x");
  EXPECT_FALSE(refused) << "the member asks for a client certificate";
  auto other_ca = settings();
  other_ca.ca_file = pki_.self_signed().cert.string();  // not the CA that signed the member's certificate
  const auto untrusted = EtcdBlockingClient(other_ca).put("/regionguard/k", "x");
  ASSERT_FALSE(untrusted) << "the member's certificate must be verified";
  EXPECT_NE(untrusted.error().message.find("127.0.0.1"), std::string::npos) << untrusted.error().message;
  const auto kept = EtcdBlockingClient(settings()).range("/regionguard/k");
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->ranges.at(0).empty()) << "nothing was written by the refused clients";
}

}  // namespace
}  // namespace rg::cluster
