// A whole message as the failover reads it (every section, names canonical), and the names of
// rcodes its refusals print. The prober's view of a response is message_reader_test.cpp.
#include <gtest/gtest.h>

#include "dns/message_reader.h"
#include "dns/message_writer.h"
#include "dns/rcode.h"

namespace rg::dns {
namespace {

TEST(DnsWire, ParsesCompressedNamesAndRefusesLoops) {
  // One answer whose owner is a pointer to the question name.
  const Bytes answer{0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,  // header: QR AA, 1 question, 1 answer
                     3, 'a', 'p', 'p', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
                     0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 9};
  const auto parsed = parse_message(answer).value();
  EXPECT_TRUE(parsed.authoritative());
  ASSERT_EQ(parsed.answers.size(), 1u);
  EXPECT_EQ(parsed.answers[0].name, "app.test.");
  EXPECT_EQ(parsed.answers[0].value, "192.0.2.9");
  EXPECT_EQ(parsed.answers[0].ttl, 60u);
  Bytes loop = answer;
  loop[12] = 0xC0;  // the question name points at itself
  loop[13] = 12;
  EXPECT_EQ(parse_message(loop).error(), "question 1: compression pointer loop");
  EXPECT_EQ(normalize_value(kTypeAaaa, "2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(rcode_name(17), "BADKEY");
}

}  // namespace
}  // namespace rg::dns
