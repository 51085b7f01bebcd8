// `cluster:` (issue 17): this agent's name, how it reaches etcd, its lease; every mistake at its
// place. And the digest agents compare: the same applications however the file is laid out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::errors_of;

const std::string head = R"(regions: [us-east-1, us-west-2]
services: { dynamodb: {} }
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
)";

TEST(ClusterSection, WithoutItTheDaemonRunsAlone) {
  const auto config = load_config_string(head, "/etc/rg/a.yaml");
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->cluster);
}

TEST(ClusterSection, AThreeRegionAgentReadsWithItsDefaults) {
  const auto config = load_config_string(head + R"(server: { listen: "10.0.1.10:8080" }
cluster:
  name: us-west-2
  etcd:
    endpoints: [https://10.0.1.10:2379/, https://10.1.1.10:2379, https://10.2.1.10:2379]
    tls: { ca: etcd-ca.pem, cert: agent.pem, key: agent-key.pem }
    prefix: /regionguard/prod
)", "/etc/rg/a.yaml");
  ASSERT_TRUE(config) << config.error().front().to_string();
  ASSERT_TRUE(config->cluster);
  const auto& c = *config->cluster;
  EXPECT_EQ(c.name, "us-west-2");
  EXPECT_THAT(c.endpoints, ElementsAre("https://10.0.1.10:2379", "https://10.1.1.10:2379", "https://10.2.1.10:2379"));
  EXPECT_EQ(c.ca_file, "/etc/rg/etcd-ca.pem") << "paths are read next to the configuration";
  EXPECT_EQ(c.key_file, "/etc/rg/agent-key.pem");
  EXPECT_EQ(c.prefix, "/regionguard/prod/") << "a prefix is a directory: it ends with /";
  EXPECT_EQ(c.lease_ttl, 10s);
  EXPECT_EQ(c.advertise_url, "http://10.0.1.10:8080") << "operators are sent to the leader's API";
}

TEST(ClusterSection, MistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(errors_of(head + R"(cluster:
  etcd: { endpoints: [10.0.1.10:2379] }
)"),
              ElementsAre(HasSubstr("a.yaml:14:3: cluster.name: is required"),
                          HasSubstr("cluster.etcd.endpoints[0]: `10.0.1.10:2379` is not an etcd client URL")));
  EXPECT_THAT(errors_of(head + R"(cluster:
  name: us west
  etcd: { endpoints: [http://e:2379], tls: { cert: a.pem } }
  lease_ttl: 1s
)"),
              ElementsAre(HasSubstr("cluster.name: `us west` is not an agent name"),
                          HasSubstr("cluster.etcd.tls: cert and key go together"),
                          HasSubstr("cluster.lease_ttl: must be between 2s and 2m")));
  EXPECT_THAT(errors_of(head + R"(cluster:
  name: a
  etcd: { endpoints: [http://e:2379], timeout: 3s }
  lease_ttl: 5s
)"),
              ElementsAre(HasSubstr("etcd.timeout (3s) must be under half of lease_ttl (5s)")));
  EXPECT_THAT(errors_of(head + R"(cluster:
  name: a
  etcd: { endpoints: [http://e:2379] }
  lease_ttl: 2500ms
)"),
              ElementsAre(HasSubstr("cluster.lease_ttl: must be whole seconds")));
}

TEST(ClusterSection, TheDigestIsTheSameForTheSameApplicationsHoweverTheFileIsWritten) {
  const auto a = load_config_string(head, "a.yaml");
  // The same mapping written in flow style, with a comment: same applications.
  const auto b = load_config_string(R"(regions: [us-east-1, us-west-2]   # two regions
services: { dynamodb: {} }
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }
applications: { shop: { primary: us-east-1, secondaries: [us-west-2],
  checks: { us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com] } } }
)", "b.yaml");
  auto changed = head;
  changed.replace(changed.find("primary: us-east-1"), 18, "primary: us-west-2");
  changed.replace(changed.find("secondaries: [us-west-2]"), 24, "secondaries: [us-east-1]");
  const auto c = load_config_string(changed, "c.yaml");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->applications_digest.size(), 16u);
  EXPECT_EQ(a->applications_digest, b->applications_digest);
  EXPECT_NE(a->applications_digest, c->applications_digest) << "another primary is another application";
  const auto d = load_config_string(head + "    policy: { failback_after: 2h }\n", "d.yaml");
  const auto e = load_config_string(head + "    policy: { failback_after: 1h }\n", "e.yaml");
  ASSERT_TRUE(d && e);
  EXPECT_NE(d->applications_digest, e->applications_digest) << "a policy setting deep in the section counts too";
}

}  // namespace
}  // namespace rg
