// The etcd gateway's JSON, without a server: the bodies the client sends, and how it reads what
// etcd 3.4 answers (the answers below are as etcd 3.4.23 wrote them, see /work/shared/notes/etcd.md),
// including the fields the gateway leaves out and answers that are not what it sends.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cluster/etcd_json.h"

namespace rg::cluster {
namespace {


TEST(EtcdBase64, RoundTripsEveryLengthAndBinaryBytes) {
  EXPECT_EQ(json::base64_encode(""), "");
  EXPECT_EQ(json::base64_encode("f"), "Zg==");
  EXPECT_EQ(json::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(json::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(json::base64_encode("fooa"), "Zm9vYQ==");
  const std::string binary{"\x00\xff\x10/leader\xfe", 10};
  EXPECT_EQ(json::base64_decode(json::base64_encode(binary)).value(), binary);
}

TEST(EtcdBase64, MalformedTextIsRefused) {
  EXPECT_FALSE(json::base64_decode("Zm9"));    // not a multiple of 4
  EXPECT_FALSE(json::base64_decode("Zm9v!A==")); // not the alphabet
  EXPECT_FALSE(json::base64_decode("Z=9v"));   // padding in the middle
  EXPECT_FALSE(json::base64_decode("Zg==Zm9v"));  // padding before the end
}

TEST(EtcdPrefixEnd, IsThePrefixWithItsLastByteRaised) {
  EXPECT_EQ(prefix_end("/rg/journal/"), "/rg/journal0");
  EXPECT_EQ(prefix_end("a\xff"), "b");             // a trailing 0xff cannot rise: it goes
  EXPECT_EQ(prefix_end("\xff\xff"), std::string(1, '\0'));  // every key
}

TEST(EtcdRequestBodies, KeysAndValuesAreBase64AndNumbersAreStrings) {
  const auto put = nlohmann::json::parse(json::put_body(EtcdOperation::put("foo", "bar", 7587869)));
  EXPECT_EQ(put["key"], "Zm9v");
  EXPECT_EQ(put["value"], "YmFy");
  EXPECT_EQ(put["lease"], "7587869");
  const auto range = nlohmann::json::parse(json::range_body(EtcdOperation::range("foo", prefix_end("foo"), 5)));
  EXPECT_EQ(range["range_end"], "Zm9w");
  EXPECT_EQ(range["limit"], "5");
  // A lone key sends no range_end (the gateway would read "" as one key anyway) and no limit.
  EXPECT_FALSE(nlohmann::json::parse(json::range_body(EtcdOperation::range("foo"))).contains("range_end"));
  EXPECT_EQ(nlohmann::json::parse(json::grant_body(std::chrono::seconds(5)))["TTL"], "5");
  EXPECT_EQ(nlohmann::json::parse(json::lease_id_body(-3))["ID"], "-3");
  const auto watch = nlohmann::json::parse(json::watch_body("a", "b", 12));
  EXPECT_EQ(watch["create_request"]["key"], "YQ==");
  EXPECT_EQ(watch["create_request"]["start_revision"], "12");
}

TEST(EtcdRequestBodies, ATransactionCarriesEachCompareTargetAndEachOperation) {
  EtcdTxn txn;
  txn.compare.push_back({"leader", EtcdCompare::Target::create_revision, EtcdCompare::Result::equal, 42, ""});
  txn.compare.push_back({"gen", EtcdCompare::Target::mod_revision, EtcdCompare::Result::less, 9, ""});
  txn.compare.push_back({"v", EtcdCompare::Target::value, EtcdCompare::Result::not_equal, 0, "x"});
  txn.success = {EtcdOperation::put("k", "v"), EtcdOperation::erase("d", "e")};
  txn.failure = {EtcdOperation::range("leader")};
  const auto body = nlohmann::json::parse(json::txn_body(txn));
  EXPECT_EQ(body["compare"][0], nlohmann::json::parse(
                                    R"({"key":"bGVhZGVy","target":"CREATE","result":"EQUAL","create_revision":"42"})"));
  EXPECT_EQ(body["compare"][1]["target"], "MOD");
  EXPECT_EQ(body["compare"][1]["result"], "LESS");
  EXPECT_EQ(body["compare"][1]["mod_revision"], "9");
  EXPECT_EQ(body["compare"][2]["value"], "eA==");
  EXPECT_EQ(body["success"][0]["request_put"]["key"], "aw==");
  EXPECT_EQ(body["success"][1]["request_delete_range"]["range_end"], "ZQ==");
  EXPECT_EQ(body["failure"][0]["request_range"]["key"], "bGVhZGVy");
}

TEST(EtcdAnswers, ARangeReadsItsKeyValuesAndAnEmptyRangeHasNone) {
  const auto found = json::parse_range(
      R"({"header":{"cluster_id":"1","member_id":"2","revision":"4","raft_term":"2"},)"
      R"("kvs":[{"key":"Zm9vYg==","create_revision":"3","mod_revision":"3","version":"1","value":"YmFy","lease":"99"}],"count":"1"})",
      "range");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->revision, 4);
  ASSERT_EQ(found->ranges.size(), 1u);
  ASSERT_EQ(found->ranges[0].size(), 1u);
  const auto& kv = found->ranges[0][0];
  EXPECT_EQ(kv.key, "foob");
  EXPECT_EQ(kv.value, "bar");
  EXPECT_EQ(kv.create_revision, 3);
  EXPECT_EQ(kv.version, 1);
  EXPECT_EQ(kv.lease, 99);
  // Nothing found: no "kvs", no "count".
  const auto empty = json::parse_range(R"({"header":{"revision":"4"}})", "range");
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->ranges.size(), 1u);
  EXPECT_TRUE(empty->ranges[0].empty());
}

TEST(EtcdAnswers, AFailedTransactionHasNoSucceededFieldAndGivesItsFailureBranchReads) {
  const auto failed = json::parse_txn(
      R"({"header":{"revision":"4"},"responses":[{"response_range":{"header":{"revision":"4"},)"
      R"("kvs":[{"key":"Zm9vYg==","create_revision":"3","mod_revision":"3","version":"1","value":"YmFy"}],"count":"1"}}]})",
      "txn");
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_FALSE(failed->succeeded);
  ASSERT_EQ(failed->ranges.size(), 1u);
  EXPECT_EQ(failed->ranges[0].at(0).create_revision, 3);
  const auto succeeded = json::parse_txn(
      R"({"header":{"revision":"5"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"5"}}},)"
      R"({"response_delete_range":{"header":{"revision":"5"},"deleted":"2"}}]})",
      "txn");
  ASSERT_TRUE(succeeded);
  EXPECT_TRUE(succeeded->succeeded);
  EXPECT_EQ(succeeded->ranges.size(), 2u);  // one entry per operation, empty for writes
  EXPECT_EQ(succeeded->deleted, 2);
}

TEST(EtcdAnswers, LeasesGrantAndAKeepAliveOfAGoneLeaseHasNoTtl) {
  const auto granted = json::parse_grant(R"({"header":{"revision":"1"},"ID":"7587869445757958917","TTL":"5"})", "grant");
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->id, 7587869445757958917);
  EXPECT_EQ(granted->ttl, std::chrono::seconds(5));
  const auto renewed = json::parse_keep_alive(R"({"result":{"header":{"revision":"5"},"ID":"12","TTL":"5"}})", "k");
  EXPECT_EQ(renewed.value().ttl, std::chrono::seconds(5));
  const auto gone = json::parse_keep_alive(R"({"result":{"header":{"revision":"5"},"ID":"12345"}})", "k");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->ttl, std::chrono::seconds(0));
  EXPECT_FALSE(json::parse_grant(R"({"header":{}})", "grant"));  // a grant without an ID is no grant
}

TEST(EtcdAnswers, MalformedAnswersAreBadResponsesNamingTheCall) {
  for (const char* body : {"", "not json", "[1,2]", R"({"kvs":"nope"})", R"({"kvs":[{"key":"%%%="}]})",
                           R"({"header":{"revision":"12x"}})", R"({"header":{"revision":true}})",
                           R"({"kvs":[{"key":"YQ==","version":"99999999999999999999"}]})"}) {
    const auto read = json::parse_range(body, "range on http://m0");
    ASSERT_FALSE(read) << body;
    EXPECT_EQ(read.error().kind, EtcdError::Kind::bad_response) << body;
    EXPECT_NE(read.error().message.find("range on http://m0"), std::string::npos) << read.error().message;
  }
  EXPECT_FALSE(json::parse_txn(R"({"succeeded":"yes"})", "txn"));
  EXPECT_FALSE(json::parse_authenticate(R"({"header":{}})", "authenticate"));
  EXPECT_EQ(json::parse_authenticate(R"({"header":{},"token":"abc.1"})", "authenticate").value(), "abc.1");
}

TEST(EtcdAnswers, GatewayErrorBodiesGiveTheGrpcCodeAndMessage) {
  const auto error = json::error_answer(
      400, R"({"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3})",
      "range on http://m0");
  EXPECT_EQ(error.kind, EtcdError::Kind::refused);
  EXPECT_EQ(error.code, 3);
  EXPECT_NE(error.message.find("illegal base64"), std::string::npos);
  EXPECT_NE(error.message.find("http://m0"), std::string::npos);
  const auto token = json::error_answer(401, R"({"error":"etcdserver: invalid auth token","code":16})", "put");
  EXPECT_EQ(token.kind, EtcdError::Kind::auth);
  EXPECT_TRUE(json::is_invalid_token(token));
  EXPECT_EQ(json::error_answer(502, "<html>bad gateway</html>", "put").kind, EtcdError::Kind::bad_response);
}

// The stream as etcd 3.4.23 sent it to curl: one {"result"} per line.
const std::string created = R"({"result":{"header":{"revision":"1"},"created":true}})" "\n";
const std::string put_a = R"({"result":{"header":{"revision":"2"},"events":[{"kv":{"key":"Zm9vYQ==","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}}]}})" "\n";
const std::string delete_a = R"({"result":{"header":{"revision":"4"},"events":[{"type":"DELETE","kv":{"key":"Zm9vYQ==","mod_revision":"4"}}]}})" "\n";

TEST(EtcdWatchStream, MessagesAreFoundWhateverTheChunking) {
  const std::string stream = created + put_a + delete_a;
  // Every split point, byte by byte: the same three messages come out.
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}, stream.size()}) {
    json::WatchStreamParser parser;
    std::vector<json::WatchMessage> all;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      auto messages = parser.feed(std::string_view(stream).substr(at, chunk), "watch");
      ASSERT_TRUE(messages) << messages.error().message;
      for (auto& m : *messages) all.push_back(std::move(m));
    }
    ASSERT_EQ(all.size(), 3u) << "chunk " << chunk;
    EXPECT_TRUE(all[0].created);
    EXPECT_TRUE(all[0].events.empty());
    ASSERT_EQ(all[1].events.size(), 1u);
    EXPECT_EQ(all[1].events[0].type, EtcdEvent::Type::put);  // no "type": PUT, the zero value
    EXPECT_EQ(all[1].events[0].kv.key, "fooa");
    EXPECT_EQ(all[1].events[0].kv.value, "bar");
    EXPECT_EQ(all[2].revision, 4);
    EXPECT_EQ(all[2].events.at(0).type, EtcdEvent::Type::erase);
    EXPECT_EQ(all[2].events.at(0).kv.mod_revision, 4);
  }
}

TEST(EtcdWatchStream, ConcatenatedObjectsAndBracesInsideStringsAreNotConfused) {
  json::WatchStreamParser parser;
  // No newline between objects, and a cancel reason holding braces and an escaped quote.
  const std::string text = R"({"result":{"header":{"revision":"3"},"created":true}})"
                           R"({"result":{"canceled":true,"cancel_reason":"odd } { \" reason"}})";
  const auto messages = parser.feed(text, "watch");
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_TRUE((*messages)[1].canceled);
  EXPECT_EQ((*messages)[1].reason, "odd } { \" reason");
}

TEST(EtcdWatchStream, GarbageOrAStreamErrorEndsTheStream) {
  json::WatchStreamParser garbage;
  EXPECT_FALSE(garbage.feed("<html>", "watch"));
  EXPECT_FALSE(garbage.feed(created, "watch"));  // once failed, always failed
  json::WatchStreamParser broken;
  ASSERT_TRUE(broken.feed(created, "watch"));
  const auto error = broken.feed(R"({"error":{"grpc_code":14,"http_code":503,"message":"no leader"}})", "watch on m1");
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("no leader"), std::string::npos);
  json::WatchStreamParser bad_event;
  EXPECT_FALSE(bad_event.feed(R"({"result":{"events":[{"type":"MOVE","kv":{}}]}})", "watch"));
}

}  // namespace
}  // namespace rg::cluster
