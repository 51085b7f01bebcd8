// The response parser on crafted packets: every record type we render, and every way a packet
// can be broken, which must come back as an error that says where, never a crash.
#include "dns/message_reader.h"

#include <gtest/gtest.h>

#include "support/dns_wire.h"

namespace rg {
namespace {

namespace dns = rg::test::dns;

dns::ResourceRecord record(std::string name, std::uint16_t type, std::uint32_t ttl, dns::Bytes rdata) {
  return dns::ResourceRecord{std::move(name), type, dns::class_in, ttl, std::move(rdata)};
}

dns::Message response_to(std::string_view name, std::uint16_t type, std::uint8_t rcode = dns::rcode_noerror) {
  dns::Message m;
  m.header.id = 0x1234;
  m.header.flags = static_cast<std::uint16_t>(dns::flag_qr | dns::flag_rd | dns::flag_ra | rcode);
  m.questions.push_back({std::string(name), type, dns::class_in});
  return m;
}

TEST(DnsMessage, ParsesAddressesWithTheirTtls) {
  auto m = response_to("dynamodb.us-east-1.amazonaws.com.", dns::type_a);
  m.answers.push_back(record("dynamodb.us-east-1.amazonaws.com.", dns::type_a, 5, {3, 218, 182, 201}));
  m.answers.push_back(record("dynamodb.us-east-1.amazonaws.com.", dns::type_a, 7, {3, 218, 182, 202}));
  const auto wire = dns::serialize(m);
  auto parsed = rg::dns::parse_response(wire);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->id, 0x1234);
  EXPECT_EQ(parsed->rcode, 0);
  EXPECT_FALSE(parsed->truncated);
  ASSERT_EQ(parsed->answers.size(), 2u);
  EXPECT_EQ(parsed->answers[0], (DnsAnswer{"A", "3.218.182.201", 5}));
  EXPECT_EQ(parsed->answers[1], (DnsAnswer{"A", "3.218.182.202", 7}));
}

TEST(DnsMessage, RendersAaaaCnameMxAndTxt) {
  auto m = response_to("www.example.test.", dns::type_aaaa);
  m.answers.push_back(record("www.example.test.", dns::type_cname, 60, dns::encode_name("web.example.test.")));
  dns::Bytes v6(16, 0);
  v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8; v6[15] = 1;
  m.answers.push_back(record("web.example.test.", dns::type_aaaa, 60, v6));
  dns::Bytes mx{0, 10};
  const auto exchange = dns::encode_name("mail.example.test.");
  mx.insert(mx.end(), exchange.begin(), exchange.end());
  m.answers.push_back(record("example.test.", dns::type_mx, 60, mx));
  m.answers.push_back(record("example.test.", dns::type_txt, 60, {5, 'h', 'e', 'l', 'l', 'o', 2, 'a', '"'}));
  auto parsed = rg::dns::parse_response(dns::serialize(m));
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->answers.size(), 4u);
  EXPECT_EQ(parsed->answers[0], (DnsAnswer{"CNAME", "web.example.test.", 60}));
  EXPECT_EQ(parsed->answers[1], (DnsAnswer{"AAAA", "2001:db8::1", 60}));
  EXPECT_EQ(parsed->answers[2], (DnsAnswer{"MX", "10 mail.example.test.", 60}));
  EXPECT_EQ(parsed->answers[3], (DnsAnswer{"TXT", R"("hello" "a\"")", 60}));
}

TEST(DnsMessage, FollowsCompressionPointers) {
  // Hand-made: the answer's owner is a pointer to the question name at offset 12.
  dns::Bytes wire{0x00, 0x01, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
  const auto qname = dns::encode_name("a.example.test.");
  wire.insert(wire.end(), qname.begin(), qname.end());
  wire.insert(wire.end(), {0, 1, 0, 1});
  wire.insert(wire.end(), {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 1});
  auto parsed = rg::dns::parse_response(wire);
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->answers.size(), 1u);
  EXPECT_EQ(parsed->answers[0], (DnsAnswer{"A", "192.0.2.1", 30}));
}

TEST(DnsMessage, ReportsTheRcodeAndTruncation) {
  auto m = response_to("gone.example.test.", dns::type_a, dns::rcode_nxdomain);
  m.header.flags |= dns::flag_tc;
  auto parsed = rg::dns::parse_response(dns::serialize(m));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->rcode, 3);
  EXPECT_TRUE(parsed->truncated);
  EXPECT_TRUE(parsed->answers.empty());
}

TEST(DnsMessage, UnknownTypesUseTheGenericForm) {
  auto m = response_to("x.example.test.", 99);
  m.answers.push_back(record("x.example.test.", 99, 1, {0xde, 0xad}));
  auto parsed = rg::dns::parse_response(dns::serialize(m));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->answers[0], (DnsAnswer{"TYPE99", "\\# 2 dead", 1}));
}

struct BrokenPacket {
  const char* name;
  dns::Bytes wire;
  const char* error;
};

class DnsMessageBroken : public testing::TestWithParam<BrokenPacket> {};

TEST_P(DnsMessageBroken, IsAnErrorThatSaysWhere) {
  auto parsed = rg::dns::parse_response(GetParam().wire);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), GetParam().error);
}

dns::Bytes with_question(dns::Bytes header, std::initializer_list<std::uint8_t> rest) {
  const auto qname = dns::encode_name("a.test.");
  header.insert(header.end(), qname.begin(), qname.end());
  header.insert(header.end(), {0, 1, 0, 1});
  header.insert(header.end(), rest);
  return header;
}

INSTANTIATE_TEST_SUITE_P(
    Packets, DnsMessageBroken,
    testing::Values(
        BrokenPacket{"empty", {}, "response of 0 bytes is shorter than a DNS header"},
        BrokenPacket{"short", {0, 1, 0x81}, "response of 3 bytes is shorter than a DNS header"},
        BrokenPacket{"query", {0, 1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "packet is a query, not a response"},
        BrokenPacket{"question past end", {0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'a'},
                     "question 1: label runs past the end"},
        BrokenPacket{"answer missing", with_question({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0}, {}),
                     "answer 1: name runs past the end"},
        BrokenPacket{"answer header cut",
                     with_question({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0}, {0xC0, 12, 0, 1, 0}),
                     "answer 1: record header runs past the end"},
        BrokenPacket{"rdata cut",
                     with_question({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0},
                                   {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0}),
                     "answer 1: record data runs past the end"},
        BrokenPacket{"A of 3 bytes",
                     with_question({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0},
                                   {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 3, 192, 0, 2}),
                     "answer 1: A record with 3 bytes of data"},
        BrokenPacket{"pointer loop",
                     with_question({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0},
                                   {0xC0, 24, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 1, 2, 3, 4}),
                     "answer 1: compression pointer loop"}),
    [](const testing::TestParamInfo<BrokenPacket>& packet) {
      std::string name = packet.param.name;
      for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

TEST(DnsMessage, RecordTypeNamesRoundTrip) {
  EXPECT_EQ(rg::dns::record_type_code("AAAA"), 28);
  EXPECT_EQ(rg::dns::record_type_name(28), "AAAA");
  EXPECT_EQ(rg::dns::record_type_code("BOGUS"), 0);
  EXPECT_EQ(rg::dns::record_type_name(4242), "TYPE4242");
}

}  // namespace
}  // namespace rg
