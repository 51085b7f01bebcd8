// The DNS side of the test rig: a real knotd (KnotServer) and the fault-injecting proxy in
// front of it (DnsFaultProxy). Each fault is checked packet by packet with a raw client, and
// where a resolver's reaction matters, with a real resolver: kdig for TCP fallback, c-ares
// (the library the probes use) for the empty and the malformed answer.

#include "support/dns_fault_proxy.h"
#include "support/child_process.h"
#include "support/dns_client.h"
#include "support/dns_wire.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

#include <ares.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rg::test {
namespace {

using namespace std::chrono_literals;
using dns::Transport;
using Strings = std::vector<std::string>;

// The zone every test here serves.
std::vector<ZoneRecord> sample_records() {
  return {
      {"www", "A", "192.0.2.1"},
      {"www", "A", "192.0.2.2"},
      {"www", "AAAA", "2001:db8::1"},
      {"alias", "CNAME", "www"},
      {"dynamodb.us-east-1", "A", "192.0.2.10"},
  };
}

std::uint16_t next_id() {
  static std::atomic<std::uint16_t> id{0x5a00};
  return ++id;
}

std::string_view transport_name(Transport transport) { return transport == Transport::udp ? "UDP" : "TCP"; }

// Sends `query` and returns the raw answer; a missing answer is a test failure with a reason.
dns::Bytes must_exchange(std::uint16_t port, const dns::Bytes& query, Transport transport) {
  auto answer = dns::exchange(transport, "127.0.0.1", port, query, 2s);
  if (!answer) {
    throw std::runtime_error(fmt::format("no answer from 127.0.0.1@{} over {}: {}", port, transport_name(transport),
                                         answer.error().message()));
  }
  return *answer;
}

dns::Message must_parse(const dns::Bytes& wire) {
  auto message = dns::parse_message(wire);
  if (!message) {
    throw std::runtime_error("unparsable answer: " + message.error());
  }
  return *message;
}

dns::Message ask(std::uint16_t port, std::string_view name, std::uint16_t type, Transport transport = Transport::udp) {
  return must_parse(must_exchange(port, dns::make_query(next_id(), name, type), transport));
}

// RDATA of the answers of one type, sorted, in presentation form.
Strings answers_of_type(const dns::Message& message, std::uint16_t type) {
  Strings out;
  for (const auto& record : message.answers) {
    if (record.type == type) {
      out.push_back(dns::rdata_text(record));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Strings www_addresses{"192.0.2.1", "192.0.2.2"};

// ---------------------------------------------------------------------------------------------
// KnotServer on its own.

TEST(KnotServerTest, ServesTheGeneratedZoneOverUdpAndTcp) {
  KnotServer knot({.records = sample_records()});
  ASSERT_EQ(knot.address(), "127.0.0.1");
  ASSERT_EQ(knot.zone(), "example.test.");

  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    SCOPED_TRACE(transport_name(transport));
    const auto a = ask(knot.port(), "www.example.test.", dns::type_a, transport);
    EXPECT_EQ(a.header.rcode(), dns::rcode_noerror);
    EXPECT_TRUE(a.header.aa());
    EXPECT_EQ(answers_of_type(a, dns::type_a), www_addresses);

    const auto aaaa = ask(knot.port(), "www.example.test.", dns::type_aaaa, transport);
    EXPECT_EQ(answers_of_type(aaaa, dns::type_aaaa), Strings{"2001:db8::1"});

    // An authoritative server answers a CNAME with the chain it can follow inside its zone.
    const auto alias = ask(knot.port(), "alias.example.test.", dns::type_a, transport);
    EXPECT_EQ(answers_of_type(alias, dns::type_cname), Strings{"www.example.test."});
    EXPECT_EQ(answers_of_type(alias, dns::type_a), www_addresses);

    const auto ns = ask(knot.port(), "example.test.", dns::type_ns, transport);
    EXPECT_EQ(answers_of_type(ns, dns::type_ns), Strings{"ns1.example.test."});

    const auto missing = ask(knot.port(), "missing.example.test.", dns::type_a, transport);
    EXPECT_EQ(missing.header.rcode(), dns::rcode_nxdomain);
  }
  EXPECT_EQ(knot.served_serial(), 1u);
}

TEST(KnotServerTest, ReplaceRecordsChangesTheServedAnswerAndRaisesTheSerial) {
  KnotServer knot({.records = sample_records()});
  const auto serial_before = knot.served_serial();
  ASSERT_TRUE(serial_before.has_value());

  knot.replace_records({{"www", "A", "198.51.100.7", 60}, {"new", "TXT", "\"hello\""}});

  const auto www = ask(knot.port(), "www.example.test.", dns::type_a);
  EXPECT_EQ(answers_of_type(www, dns::type_a), Strings{"198.51.100.7"});
  ASSERT_EQ(www.answers.size(), 1u);
  EXPECT_EQ(www.answers[0].ttl, 60u);
  EXPECT_EQ(ask(knot.port(), "new.example.test.", dns::type_txt).answers.size(), 1u);
  EXPECT_EQ(ask(knot.port(), "alias.example.test.", dns::type_a).header.rcode(), dns::rcode_nxdomain);
  EXPECT_GT(knot.served_serial().value_or(0), *serial_before);
}

// The message of the std::runtime_error `action` throws, or "" if it does not.
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

TEST(KnotServerTest, AZoneKnotdCannotLoadFailsWithKnotdsReason) {
  const std::string error = error_of([] { KnotServer knot({.records = {{"www", "A", "not-an-address"}}}); });
  EXPECT_NE(error.find("could not load zone example.test."), std::string::npos) << error;
  EXPECT_NE(error.find("invalid address"), std::string::npos) << error;  // knotd's own words, from its log
}

TEST(KnotServerTest, AFailedReplaceKeepsServingTheOldZone) {
  KnotServer knot({.records = sample_records()});
  const std::string error = error_of([&] { knot.replace_records({{"www", "A", "not-an-address"}}); });
  EXPECT_NE(error.find("zone-reload of serial 2"), std::string::npos) << error;
  EXPECT_NE(error.find("invalid address"), std::string::npos) << error;
  EXPECT_EQ(answers_of_type(ask(knot.port(), "www.example.test.", dns::type_a), dns::type_a), www_addresses);
}

TEST(KnotServerTest, AcceptsOnlySignedUpdatesWhenAnUpdateKeyIsSet) {
  const TsigKey key{.name = "rg-update", .secret_base64 = "cmVnaW9uZ3VhcmQtdGVzdC1rZXktMzItYnl0ZXMhIQ=="};
  KnotServer knot({.records = sample_records(), .update_key = key});
  const auto knsupdate = find_executable("knsupdate");
  ASSERT_TRUE(knsupdate) << "knsupdate not found: install Debian package `knot-dnsutils`";

  TempDir dir;
  const auto update = [&](const std::string& name, bool signed_update) {
    const auto script = dir.path() / "update.txt";
    std::ofstream(script) << fmt::format(
        "server 127.0.0.1 {}\nzone example.test.\nupdate add {} 60 A 203.0.113.5\nsend\n", knot.port(), name);
    std::vector<std::string> argv{knsupdate->string(), "-t", "2", "-r", "0"};
    if (signed_update) {
      argv.insert(argv.end(), {"-y", fmt::format("{}:{}:{}", key.algorithm, key.name, key.secret_base64)});
    }
    argv.push_back(script.string());
    return run_command(argv, dir.path() / "knsupdate.log");
  };

  EXPECT_NE(update("unsigned.example.test.", false), 0) << file_tail(dir.path() / "knsupdate.log");
  EXPECT_EQ(ask(knot.port(), "unsigned.example.test.", dns::type_a).header.rcode(), dns::rcode_nxdomain);

  ASSERT_EQ(update("signed.example.test.", true), 0) << file_tail(dir.path() / "knsupdate.log");
  EXPECT_EQ(answers_of_type(ask(knot.port(), "signed.example.test.", dns::type_a), dns::type_a),
            Strings{"203.0.113.5"});

  // The update raised the serial; replace_records must still go above it, and replaces the
  // whole zone, the updated name included.
  knot.replace_records({{"www", "A", "192.0.2.50"}});
  EXPECT_EQ(answers_of_type(ask(knot.port(), "www.example.test.", dns::type_a), dns::type_a), Strings{"192.0.2.50"});
  EXPECT_EQ(ask(knot.port(), "signed.example.test.", dns::type_a).header.rcode(), dns::rcode_nxdomain);
}

// host<i>.bench with address 10.<first>.<i / 256>.<i % 256>, as a benchmark would generate them.
std::vector<ZoneRecord> many_hosts(int count, int first) {
  std::vector<ZoneRecord> records;
  for (int i = 0; i < count; ++i) {
    records.push_back({fmt::format("host{}.bench", i), "A", fmt::format("10.{}.{}.{}", first, i >> 8, i & 255)});
  }
  return records;
}

TEST(KnotServerTest, ServesAndReloadsTenThousandNames) {
  KnotServer knot({.zone = "big.test", .records = many_hosts(10'000, 0)});
  EXPECT_EQ(knot.zone(), "big.test.");
  EXPECT_EQ(answers_of_type(ask(knot.port(), "host4242.bench.big.test.", dns::type_a), dns::type_a),
            Strings{"10.0.16.146"});
  EXPECT_EQ(answers_of_type(ask(knot.port(), "host9999.bench.big.test.", dns::type_a), dns::type_a),
            Strings{"10.0.39.15"});

  knot.replace_records(many_hosts(10'000, 1));
  EXPECT_EQ(answers_of_type(ask(knot.port(), "host4242.bench.big.test.", dns::type_a), dns::type_a),
            Strings{"10.1.16.146"});
}

// ---------------------------------------------------------------------------------------------
// DnsFaultProxy in front of knotd.

class DnsFaultProxyTest : public ::testing::Test {
 protected:
  // One knotd for the whole suite (these tests never change its zone), started by the first
  // test rather than in SetUpTestSuite: there a failure would mark the tests skipped, and a
  // missing knotd must fail them. A fresh proxy per test.
  void SetUp() override {
    if (!knot_) {
      knot_ = std::make_unique<KnotServer>(KnotOptions{.records = sample_records()});
    }
    proxy_ = std::make_unique<DnsFaultProxy>(knot_->address(), knot_->port());
  }
  static void TearDownTestSuite() { knot_.reset(); }

  std::uint16_t direct() const { return knot_->port(); }
  std::uint16_t proxied() const { return proxy_->port(); }

  static std::unique_ptr<KnotServer> knot_;
  std::unique_ptr<DnsFaultProxy> proxy_;
};

std::unique_ptr<KnotServer> DnsFaultProxyTest::knot_;

// The parts of a made-up answer that must mirror the query.
void expect_mirrors_query(const dns::Message& answer, const dns::Bytes& query, std::string_view name,
                          std::uint16_t type) {
  const auto query_header = dns::parse_header(query).value();
  EXPECT_EQ(answer.header.id, query_header.id);
  EXPECT_TRUE(answer.header.qr());
  EXPECT_EQ(answer.header.opcode(), query_header.opcode());
  EXPECT_EQ(answer.header.rd(), query_header.rd());
  ASSERT_EQ(answer.questions.size(), 1u);
  EXPECT_EQ(answer.questions[0].name, name);
  EXPECT_EQ(answer.questions[0].type, type);
}

TEST_F(DnsFaultProxyTest, WithoutFaultsRelaysKnotdsAnswerByteForByte) {
  const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
  const auto from_knot = must_exchange(direct(), query, Transport::udp);
  const auto through_proxy = must_exchange(proxied(), query, Transport::udp);
  EXPECT_EQ(through_proxy, from_knot);
  EXPECT_EQ(answers_of_type(must_parse(through_proxy), dns::type_a), www_addresses);
  EXPECT_EQ(proxy_->queries_seen(), 1u);
  EXPECT_EQ(proxy_->tcp_queries_seen(), 0u);
}

TEST_F(DnsFaultProxyTest, ForwardsTcpOverTcp) {
  const auto query = dns::make_query(next_id(), "alias.example.test.", dns::type_a);
  const auto through_proxy = must_exchange(proxied(), query, Transport::tcp);
  EXPECT_EQ(through_proxy, must_exchange(direct(), query, Transport::tcp));
  EXPECT_EQ(answers_of_type(must_parse(through_proxy), dns::type_a), www_addresses);
  EXPECT_EQ(proxy_->tcp_queries_seen(), 1u);
  EXPECT_EQ(proxy_->queries_seen(), 1u);
}

TEST_F(DnsFaultProxyTest, DropNeverAnswers) {
  proxy_->set_fault(DnsFault::drop);
  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    SCOPED_TRACE(transport_name(transport));
    const auto answer = dns::exchange(transport, "127.0.0.1", proxied(),
                                      dns::make_query(next_id(), "www.example.test.", dns::type_a), 300ms);
    ASSERT_FALSE(answer.has_value()) << answer->size() << " bytes arrived";
    EXPECT_EQ(answer.error(), std::errc::timed_out);
  }
  EXPECT_EQ(proxy_->queries_seen(), 2u);  // it saw them, it just did not answer
}

TEST_F(DnsFaultProxyTest, DelayHoldsTheRealAnswerBack) {
  proxy_->set_fault(DnsFault::delay, 200ms);
  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    SCOPED_TRACE(transport_name(transport));
    const auto start = std::chrono::steady_clock::now();
    const auto answer = ask(proxied(), "www.example.test.", dns::type_a, transport);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    EXPECT_EQ(answers_of_type(answer, dns::type_a), www_addresses);
  }
}

TEST_F(DnsFaultProxyTest, DelayOfOneNameDoesNotHoldUpOthers) {
  proxy_->set_fault_for("www.example.test", DnsFault::delay, 1500ms);
  auto slow = std::async(std::launch::async, [this] { return ask(proxied(), "www.example.test.", dns::type_a); });
  std::this_thread::sleep_for(50ms);  // let the slow query reach the proxy first
  const auto fast = ask(proxied(), "dynamodb.us-east-1.example.test.", dns::type_a);
  EXPECT_EQ(answers_of_type(fast, dns::type_a), Strings{"192.0.2.10"});
  // The fast answer came back while the slow one is still held.
  EXPECT_EQ(slow.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(answers_of_type(slow.get(), dns::type_a), www_addresses);
}

struct RcodeCase {
  DnsFault fault;
  std::uint8_t rcode;
  Transport transport;
};

std::string case_name(const RcodeCase& rcode_case) {
  return fmt::format("{}_over_{}", to_string(rcode_case.fault), transport_name(rcode_case.transport));
}

void PrintTo(const RcodeCase& rcode_case, std::ostream* out) { *out << case_name(rcode_case); }

std::vector<RcodeCase> rcode_cases() {
  std::vector<RcodeCase> cases;
  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    cases.push_back({DnsFault::servfail, dns::rcode_servfail, transport});
    cases.push_back({DnsFault::nxdomain, dns::rcode_nxdomain, transport});
    cases.push_back({DnsFault::refused, dns::rcode_refused, transport});
  }
  return cases;
}

class DnsFaultProxyRcodeTest : public DnsFaultProxyTest, public ::testing::WithParamInterface<RcodeCase> {};

TEST_P(DnsFaultProxyRcodeTest, AnswersWithTheRcodeAndNoRecords) {
  proxy_->set_fault(GetParam().fault);
  const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
  const auto answer = must_parse(must_exchange(proxied(), query, GetParam().transport));
  expect_mirrors_query(answer, query, "www.example.test.", dns::type_a);
  EXPECT_EQ(answer.header.rcode(), GetParam().rcode);
  EXPECT_TRUE(answer.header.ra());
  EXPECT_FALSE(answer.header.tc());
  EXPECT_TRUE(answer.answers.empty());
  EXPECT_TRUE(answer.authority.empty());
  EXPECT_TRUE(answer.additional.empty());
}

// The prefix makes the instantiated suite match --gtest_filter='DnsFaultProxy*'.
INSTANTIATE_TEST_SUITE_P(DnsFaultProxy, DnsFaultProxyRcodeTest, ::testing::ValuesIn(rcode_cases()),
                         [](const auto& test_info) { return case_name(test_info.param); });

TEST_F(DnsFaultProxyTest, NodataIsAnEmptyNoerrorAnswerWithKnotdsSoa) {
  proxy_->set_fault(DnsFault::nodata);
  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    SCOPED_TRACE(transport_name(transport));
    const auto query = dns::make_query(next_id(), "dynamodb.us-east-1.example.test.", dns::type_a);
    const auto answer = must_parse(must_exchange(proxied(), query, transport));
    expect_mirrors_query(answer, query, "dynamodb.us-east-1.example.test.", dns::type_a);
    EXPECT_EQ(answer.header.rcode(), dns::rcode_noerror);
    EXPECT_TRUE(answer.header.aa());
    EXPECT_TRUE(answer.answers.empty());
    // Kept from knotd's answer: the SOA of an authoritative negative answer.
    ASSERT_EQ(answer.authority.size(), 1u);
    EXPECT_EQ(answer.authority[0].type, dns::type_soa);
    EXPECT_EQ(answer.authority[0].name, "example.test.");
  }
}

TEST_F(DnsFaultProxyTest, NodataAlsoEmptiesMissingNamesAndCnames) {
  proxy_->set_fault(DnsFault::nodata);
  for (const char* name : {"missing.example.test.", "alias.example.test."}) {
    SCOPED_TRACE(name);
    const auto answer = ask(proxied(), name, dns::type_a);
    EXPECT_EQ(answer.header.rcode(), dns::rcode_noerror);
    EXPECT_TRUE(answer.answers.empty());
    ASSERT_EQ(answer.questions.size(), 1u);
    EXPECT_EQ(answer.questions[0].type, dns::type_a);
  }
}

TEST_F(DnsFaultProxyTest, CaresSeesNodataAsNoDataAndMalformedAsABadResponse) {
  const auto parse_with_cares = [this](DnsFault fault) {
    proxy_->set_fault(fault);
    const auto wire =
        must_exchange(proxied(), dns::make_query(next_id(), "www.example.test.", dns::type_a), Transport::udp);
    std::array<ares_addrttl, 8> addresses{};
    int count = static_cast<int>(addresses.size());
    const int status =
        ares_parse_a_reply(wire.data(), static_cast<int>(wire.size()), nullptr, addresses.data(), &count);
    return std::pair{status, status == ARES_SUCCESS ? count : 0};
  };
  EXPECT_EQ(parse_with_cares(DnsFault::none), std::pair(ARES_SUCCESS, 2));
  EXPECT_EQ(parse_with_cares(DnsFault::nodata).first, ARES_ENODATA);
  EXPECT_EQ(parse_with_cares(DnsFault::malformed).first, ARES_EBADRESP);
}

TEST_F(DnsFaultProxyTest, TruncateSetsTcOverUdpAndAnswersOverTcp) {
  proxy_->set_fault(DnsFault::truncate);
  const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
  const auto over_udp = must_parse(must_exchange(proxied(), query, Transport::udp));
  expect_mirrors_query(over_udp, query, "www.example.test.", dns::type_a);
  EXPECT_TRUE(over_udp.header.tc());
  EXPECT_EQ(over_udp.header.rcode(), dns::rcode_noerror);
  EXPECT_TRUE(over_udp.answers.empty());

  const auto over_tcp = must_parse(must_exchange(proxied(), query, Transport::tcp));
  EXPECT_FALSE(over_tcp.header.tc());
  EXPECT_EQ(answers_of_type(over_tcp, dns::type_a), www_addresses);
  EXPECT_EQ(proxy_->tcp_queries_seen(), 1u);
}

TEST_F(DnsFaultProxyTest, TruncateMakesAResolverFallBackToTcp) {
  const auto kdig = find_executable("kdig");
  ASSERT_TRUE(kdig) << "kdig not found: install Debian package `knot-dnsutils`";
  proxy_->set_fault(DnsFault::truncate);
  const std::string command =
      // stderr dropped: kdig warns there about the truncated reply it retries over TCP.
      fmt::format("{} @127.0.0.1 -p {} +short +timeout=2 +retry=0 www.example.test. A 2>/dev/null", kdig->string(),
                  proxied());
  std::FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  Strings lines;
  std::array<char, 256> line{};
  while (std::fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
    std::string text = line.data();
    text.erase(text.find_last_not_of('\n') + 1);
    if (!text.empty()) {
      lines.push_back(text);
    }
  }
  EXPECT_EQ(::pclose(pipe), 0);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, www_addresses);
  EXPECT_EQ(proxy_->queries_seen(), 2u);  // once over UDP (truncated), once over TCP
  EXPECT_EQ(proxy_->tcp_queries_seen(), 1u);
}

TEST_F(DnsFaultProxyTest, MalformedHasAValidHeaderAndQuestionButABrokenAnswer) {
  proxy_->set_fault(DnsFault::malformed);
  for (const Transport transport : {Transport::udp, Transport::tcp}) {
    SCOPED_TRACE(transport_name(transport));
    const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
    const auto wire = must_exchange(proxied(), query, transport);
    const auto header = dns::parse_header(wire).value();
    EXPECT_EQ(header.id, dns::parse_header(query)->id);
    EXPECT_TRUE(header.qr());
    EXPECT_EQ(header.rcode(), dns::rcode_noerror);
    EXPECT_EQ(header.qdcount, 1u);
    EXPECT_EQ(header.ancount, 1u);
    EXPECT_EQ(dns::parse_query(wire)->question.name, "www.example.test.");
    const auto parsed = dns::parse_message(wire);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().find("truncated"), std::string::npos) << parsed.error();
  }
}

TEST_F(DnsFaultProxyTest, PerNameFaultAffectsOnlyThatName) {
  // Case and the trailing dot do not matter.
  proxy_->set_fault_for("DynamoDB.US-East-1.Example.Test", DnsFault::nodata);
  EXPECT_TRUE(ask(proxied(), "dynamodb.us-east-1.example.test.", dns::type_a).answers.empty());
  EXPECT_TRUE(ask(proxied(), "DYNAMODB.us-east-1.example.test.", dns::type_a).answers.empty());
  EXPECT_EQ(answers_of_type(ask(proxied(), "www.example.test.", dns::type_a), dns::type_a), www_addresses);
  EXPECT_EQ(answers_of_type(ask(proxied(), "alias.example.test.", dns::type_a), dns::type_a), www_addresses);
}

TEST_F(DnsFaultProxyTest, PerNameFaultOverridesTheGlobalOne) {
  proxy_->set_fault(DnsFault::servfail);
  proxy_->set_fault_for("dynamodb.us-east-1.example.test.", DnsFault::none);
  EXPECT_EQ(answers_of_type(ask(proxied(), "dynamodb.us-east-1.example.test.", dns::type_a), dns::type_a),
            Strings{"192.0.2.10"});
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_servfail);
}

TEST_F(DnsFaultProxyTest, ClearRemovesEveryFault) {
  proxy_->set_fault(DnsFault::refused);
  proxy_->set_fault_for("www.example.test.", DnsFault::drop);
  proxy_->clear();
  EXPECT_EQ(answers_of_type(ask(proxied(), "www.example.test.", dns::type_a), dns::type_a), www_addresses);
  EXPECT_EQ(ask(proxied(), "dynamodb.us-east-1.example.test.", dns::type_a).header.rcode(), dns::rcode_noerror);
}

TEST_F(DnsFaultProxyTest, FaultsChangeWhileRunning) {
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_noerror);
  proxy_->set_fault(DnsFault::nxdomain);
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_nxdomain);
  proxy_->set_fault(DnsFault::none);
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_noerror);
  EXPECT_EQ(proxy_->queries_seen(), 3u);
}

TEST_F(DnsFaultProxyTest, ClearForOneNameGivesItBackToTheGlobalFault) {
  proxy_->set_fault(DnsFault::servfail);
  proxy_->set_fault_for("www.example.test", DnsFault::nxdomain);
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_nxdomain);
  proxy_->clear_for("WWW.example.test.");
  EXPECT_EQ(ask(proxied(), "www.example.test.", dns::type_a).header.rcode(), dns::rcode_servfail);
}

// `regionguard lab`'s noise: a share of the queries lost, the others relayed (with up to the
// fault's delay of jitter). At the extremes it is drop and a plain relay.
TEST_F(DnsFaultProxyTest, LossOfAllIsSilenceAndLossOfNoneRelaysEverything) {
  const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
  proxy_->set_fault(DnsFault::loss);
  proxy_->set_loss_percent(100);
  const auto lost = dns::exchange(Transport::udp, "127.0.0.1", proxied(), query, 300ms);
  ASSERT_FALSE(lost.has_value()) << lost->size() << " bytes arrived";
  EXPECT_EQ(lost.error(), std::errc::timed_out);
  proxy_->set_loss_percent(0);
  EXPECT_EQ(must_exchange(proxied(), query, Transport::udp), must_exchange(direct(), query, Transport::udp));
}

TEST_F(DnsFaultProxyTest, LossOfHalfLosesSomeQueriesAndRelaysTheOthersUnchanged) {
  proxy_->set_fault(DnsFault::loss, 20ms);
  proxy_->set_loss_percent(50);
  std::size_t answered = 0;
  std::size_t lost = 0;
  for (int i = 0; i < 20; ++i) {
    const auto query = dns::make_query(next_id(), "www.example.test.", dns::type_a);
    const auto answer = dns::exchange(Transport::udp, "127.0.0.1", proxied(), query, 250ms);
    if (!answer) {
      EXPECT_EQ(answer.error(), std::errc::timed_out);
      ++lost;
      continue;
    }
    ++answered;
    EXPECT_EQ(answers_of_type(must_parse(*answer), dns::type_a), www_addresses);
  }
  EXPECT_GT(answered, 0u);
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(proxy_->queries_seen(), 20u);
}

}  // namespace
}  // namespace rg::test
