// The one record-type table: which names each of its users accepts, and the order in which the
// configuration lists them when it refuses one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/record_type.h"

namespace rg::dns {
namespace {

TEST(RecordType, TheConfigurationListsItsTenTypesInItsOrder) {
  std::vector<std::string> names;
  for (const auto& type : configurable_record_types()) {
    names.emplace_back(type.name);
    EXPECT_EQ(record_type_code(type.name), type.code) << type.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA"}));
}

TEST(RecordType, QueriesMayAskForHttpsAndSvcbButNeverForTsig) {
  EXPECT_EQ(record_type_code("HTTPS"), kTypeHttps);
  EXPECT_EQ(record_type_code("SVCB"), kTypeSvcb);
  EXPECT_EQ(record_type_code("TSIG"), 0);
  EXPECT_EQ(record_type_name(kTypeTsig), "TSIG");
  EXPECT_EQ(record_type_code("a"), 0);  // the configuration upper-cases before it asks
}

}  // namespace
}  // namespace rg::dns
