// RFC 2136 UPDATE messages and TSIG (RFC 8945) signing and verification, without a server:
// the message's sections as the RFC lays them out, signatures that verify, and each way a
// signature must fail (tampered, wrong secret, wrong key, stale time, the server's TSIG error).
// Interoperability (knotd accepts our signature, we accept knotd's and knsupdate's) is in
// tests/integration/failover_steps_test.cpp.
#include <gtest/gtest.h>

#include "act/failover/dns_update.h"

namespace rg::act::dns {
namespace {

const std::uint64_t kNow = 1'795'000'000;

TsigKey key(std::string algorithm = "hmac-sha256") {
  return {"failover-key", std::move(algorithm), decode_base64("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==").value()};
}

TEST(DnsUpdateMessage, HasTheZoneAndDeletesTheRrsetBeforeAdding) {
  const auto message = build_update(0x1234, "Example.Test", {"app.example.test", kTypeA, 30, {"192.0.2.7"}}).value();
  EXPECT_EQ(read_u16(message), 0x1234);
  EXPECT_EQ(read_u16(std::span(message).subspan(2)), kOpcodeUpdate << 11);
  EXPECT_EQ(read_u16(std::span(message).subspan(4)), 1);   // ZOCOUNT
  EXPECT_EQ(read_u16(std::span(message).subspan(6)), 0);   // PRCOUNT
  EXPECT_EQ(read_u16(std::span(message).subspan(8)), 2);   // UPCOUNT
  EXPECT_EQ(read_u16(std::span(message).subspan(10)), 0);  // ADCOUNT
  // The sections parse as question / answer / authority; the update section is the third.
  const auto parsed = parse_message(message).value();
  ASSERT_EQ(parsed.authority.size(), 2u);
  const auto& del = parsed.authority[0];
  EXPECT_EQ(del.name, "app.example.test.");
  EXPECT_EQ(del.type, kTypeA);
  EXPECT_EQ(del.klass, kClassAny);
  EXPECT_EQ(del.ttl, 0u);
  EXPECT_EQ(del.rdata_length, 0);
  const auto& add = parsed.authority[1];
  EXPECT_EQ(add.klass, kClassIn);
  EXPECT_EQ(add.ttl, 30u);
  EXPECT_EQ(add.value, "192.0.2.7");
  // The zone section: example.test. SOA IN, lower-cased.
  const Bytes zone{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, kTypeSoa, 0, kClassIn};
  EXPECT_EQ(Bytes(message.begin() + 12, message.begin() + 12 + static_cast<std::ptrdiff_t>(zone.size())), zone);
}

TEST(DnsUpdateMessage, NoValuesOnlyDeletesAndBadInputIsRefused) {
  const auto message = build_update(1, "example.test", {"app.example.test", kTypeCname, 60, {}}).value();
  EXPECT_EQ(parse_message(message).value().authority.size(), 1u);
  EXPECT_EQ(build_update(1, "example.test", {"app.example.com", kTypeA, 60, {"192.0.2.1"}}).error(),
            "`app.example.com.` is not inside the zone example.test.");
  EXPECT_EQ(build_update(1, "example.test", {"app.example.test", kTypeA, 60, {"2001:db8::1"}}).error(),
            "`2001:db8::1` is not an IPv4 address");
  const auto cname = build_update(1, "example.test", {"app.example.test", kTypeCname, 60, {"West.Example.Test"}}).value();
  EXPECT_EQ(parse_message(cname).value().authority[1].value, "west.example.test.");
}

TEST(Tsig, ASignedRequestVerifiesWithBothAlgorithms) {
  for (const std::string algorithm : {"hmac-sha256", "hmac-sha512"}) {
    const auto k = key(algorithm);
    const auto message = build_update(7, "example.test", {"app.example.test", kTypeA, 30, {"192.0.2.7"}}).value();
    const auto signed_message = tsig_sign(message, k, kNow).value();
    EXPECT_EQ(signed_message.mac.size(), algorithm == "hmac-sha256" ? 32u : 64u);
    EXPECT_EQ(read_u16(std::span(signed_message.message).subspan(10)), 1);  // ARCOUNT: the TSIG record
    const auto verified = tsig_verify(signed_message.message, k, std::nullopt, kNow + 10);
    ASSERT_TRUE(verified) << algorithm << ": " << verified.error();
    EXPECT_TRUE(verified->additional.empty());  // the TSIG record is taken off
    EXPECT_EQ(verified->authority.size(), 2u);
  }
}

TEST(Tsig, EveryWrongSignatureIsRefusedByName) {
  const auto k = key();
  const auto message = build_update(7, "example.test", {"app.example.test", kTypeA, 30, {"192.0.2.7"}}).value();
  const auto good = tsig_sign(message, k, kNow).value().message;

  auto tampered = good;
  tampered[88] ^= 1;  // inside the added record's address (header 12 + zone 18 + delete 28 + add 28 + 2)
  const auto t = tsig_verify(tampered, k, std::nullopt, kNow);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("BADSIG"), std::string::npos) << t.error();

  auto other_secret = k;
  other_secret.secret[0] ^= 1;
  EXPECT_NE(tsig_verify(good, other_secret, std::nullopt, kNow).error().find("BADSIG"), std::string::npos);

  auto other_name = k;
  other_name.name = "another-key";
  EXPECT_EQ(tsig_verify(good, other_name, std::nullopt, kNow).error(),
            "signed with key failover-key., expected another-key.");

  EXPECT_EQ(tsig_verify(good, key("hmac-sha512"), std::nullopt, kNow).error(),
            "signed with another algorithm than hmac-sha512");

  const auto late = tsig_verify(good, k, std::nullopt, kNow + 301);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error(), "BADTIME: signed 301 s away from now, fudge 300 s");

  EXPECT_EQ(tsig_verify(message, k, std::nullopt, kNow).error(), "not signed (no TSIG record)");
}

// An answer's MAC covers the request MAC first (RFC 8945 4.3.2), which binds it to our request:
// an answer signed as if it were a request (without it) must not verify.
TEST(Tsig, AnAnswerSignedWithoutTheRequestMacDoesNotVerify) {
  const auto k = key();
  auto request = tsig_sign(build_update(9, "example.test", {"app.example.test", kTypeA, 30, {"192.0.2.7"}}).value(),
                           k, kNow).value();
  Writer header;
  header.u16(9);
  header.u16(static_cast<std::uint16_t>(kFlagQr | kOpcodeUpdate << 11));
  for (int i = 0; i < 4; ++i) header.u16(0);
  const auto answer = tsig_sign(header.out(), k, kNow).value().message;
  const auto checked = check_update_answer(answer, 9, k, request.mac, kNow);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().find("BADSIG"), std::string::npos) << checked.error();
}

TEST(Tsig, UnsignedRefusalsSayWhatTheServerSaid) {
  const auto k = key();
  const Bytes mac(32, 0);
  Writer notauth;
  notauth.u16(9);
  notauth.u16(static_cast<std::uint16_t>(kFlagQr | kOpcodeUpdate << 11 | 9));
  for (int i = 0; i < 4; ++i) notauth.u16(0);
  EXPECT_EQ(check_update_answer(notauth.out(), 9, k, mac, kNow).error(),
            "update failed: NOTAUTH: the server is not authoritative for the zone, or does not accept this key for "
            "it (answer unsigned)");
  Writer ok;
  ok.u16(9);
  ok.u16(static_cast<std::uint16_t>(kFlagQr | kOpcodeUpdate << 11));
  for (int i = 0; i < 4; ++i) ok.u16(0);
  EXPECT_EQ(check_update_answer(ok.out(), 9, k, mac, kNow).error(),
            "the server's answer is not signed: cannot trust that the update was applied");
  EXPECT_EQ(check_update_answer(ok.out(), 10, k, mac, kNow).error(), "not an answer to our update");
}

TEST(Tsig, Base64SecretsDecodeAsKeyFilesWriteThem) {
  EXPECT_EQ(decode_base64("c2VjcmV0").value(), (Bytes{'s', 'e', 'c', 'r', 'e', 't'}));
  EXPECT_EQ(decode_base64("c2VjcmV0IQ==\n").value().size(), 7u);
  EXPECT_FALSE(decode_base64("c2Vj!mV0"));
  EXPECT_FALSE(decode_base64(""));
  EXPECT_TRUE(is_supported_tsig_algorithm("hmac-sha512"));
  EXPECT_FALSE(is_supported_tsig_algorithm("hmac-md5.sig-alg.reg.int"));
}

}  // namespace
}  // namespace rg::act::dns
