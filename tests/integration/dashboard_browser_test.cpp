// The dashboard as an operator sees it: `regionguard run` serves web/dist/ and the API, Debian's
// chromium (driven by tests/browser/dashboard.test.mjs through playwright-core) loads the page,
// and a DNS fault injected while the page is open must show up live. The browser script asks
// for the fault through a file (DIR/set-fault); this test owns the fault proxy, injects it and
// answers with DIR/fault-set. A missing node, chromium, dashboard build or playwright-core fails
// with what to install; nothing is skipped.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "integration/example_zone.h"
#include "support/child_process.h"
#include "support/dns_fault_proxy.h"
#include "support/free_port.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using test::DnsFault;
namespace fs = std::filesystem;

const fs::path source_dir = RG_SOURCE_DIR;
const fs::path web_root = source_dir / "web" / "dist";
const fs::path browser_dir = source_dir / "tests" / "browser";
const fs::path chromium = "/usr/bin/chromium";
const std::string token = "dashboard-test-token";  // server.token needs at least 16 characters
// Where the screenshots are kept after the temporary directory is gone: beside the binary.
const fs::path artifacts = fs::path(RG_BINARY).parent_path() / "test-artifacts";

struct Reply {
  unsigned status = 0;
  std::string body;
};

// A request to http://127.0.0.1:PORT/TARGET with the token; nullopt if the server did not answer.
std::optional<Reply> http_call(std::uint16_t port, boost::beast::http::verb verb, const std::string& target,
                               const std::string& body = "") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(2s);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, "Bearer " + token);
    if (verb == http::verb::post) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
      request.prepare_payload();
    }
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return Reply{response.result_int(), response.body()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The status of GET http://127.0.0.1:PORT/TARGET, or nullopt if the server did not answer.
std::optional<unsigned> http_status(std::uint16_t port, const std::string& target) {
  const auto reply = http_call(port, boost::beast::http::verb::get, target);
  return reply ? std::optional(reply->status) : std::nullopt;
}

// GET /api/v1/failover/web as JSON (null while it does not answer 200).
nlohmann::json application(std::uint16_t port) {
  const auto reply = http_call(port, boost::beast::http::verb::get, "/api/v1/failover/web");
  if (!reply || reply->status != 200) return nullptr;
  return nlohmann::json::parse(reply->body, nullptr, false);
}

class DashboardBrowserTest : public testing::Test {
 protected:
  DashboardBrowserTest()
      : knot_(test::example_zone()),
        proxy_(knot_.address(), knot_.port()) {}

  // Three endpoints behind the proxy, probed every second, and the server on `port`.
  std::string write_config(std::uint16_t port) {
    const auto path = dir_.path() / "regionguard.yaml";
    std::ofstream(path) << "regions: [us-east-1, eu-west-1]\n"
                           "defaults:\n"
                           "  interval: 1s\n"
                           "  timeout: 500ms\n"
                           "  jitter: 100ms\n"
                           "  resolvers: [\"127.0.0.1:" << proxy_.port() << "\"]\n"
                           "services:\n"
                           "  dynamodb: { priority: critical, thresholds: { healthy: 50ms, warning: 100ms } }\n"
                           "  s3: {}\n"
                           "endpoints:\n"
                           "  - { hostname: dynamodb.us-east-1.example.test, service: dynamodb, region: us-east-1 }\n"
                           "  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1 }\n"
                           "  - { hostname: dynamodb.eu-west-1.example.test, service: dynamodb, region: eu-west-1 }\n"
                           "store:\n"
                           "  path: history.db\n"
                           "  flush_interval: 200ms\n"
                           "server:\n"
                           "  listen: \"127.0.0.1:" << port << "\"\n"
                           "  web_root: \"" << web_root.string() << "\"\n"
                           "  token: " << token << "\n"
                           // An application whose only traffic step is the data-plane gate, moved
                           // once by the test so that the failover panel has a recovery time to show.
                           "applications:\n"
                           "  web:\n"
                           "    primary: us-east-1\n"
                           "    secondaries: [eu-west-1]\n"
                           "    checks:\n"
                           "      us-east-1: [dynamodb.us-east-1.example.test, s3.us-east-1.example.test]\n"
                           "      eu-west-1: [dynamodb.eu-west-1.example.test]\n"
                           "    policy: { mode: dry-run }\n"
                           "    plan: { gate: true, settle: 1s }\n";
    return path.string();
  }

  test::TempDir dir_{"rg-dashboard-"};
  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

TEST_F(DashboardBrowserTest, ShowsWhatTheApiSaysAndAFaultLiveWithoutAReload) {
  const auto node = test::find_executable("node");
  ASSERT_TRUE(node) << "node is not installed: install the Debian packages nodejs npm";
  ASSERT_TRUE(fs::exists(chromium)) << "no " << chromium << ": install the Debian package chromium "
                                    << "(apt-get install -y chromium)";
  ASSERT_TRUE(fs::exists(web_root / "index.html"))
      << "no dashboard build in " << web_root << ": build the `web` target (cmake --build <dir> --target web)";
  ASSERT_TRUE(fs::exists(browser_dir / "node_modules" / "playwright-core"))
      << "playwright-core is not installed: build the `browser_test_deps` target, or run npm ci in " << browser_dir;

  const auto port = test::free_port();
  const auto daemon_log = dir_.path() / "daemon.log";
  test::ChildProcess daemon({RG_BINARY, "run", "-c", write_config(port)}, daemon_log);

  const auto ready_by = std::chrono::steady_clock::now() + 30s;
  while (http_status(port, "/readyz") != 200u) {
    ASSERT_TRUE(daemon.running()) << "regionguard run exited:\n" << test::file_tail(daemon_log);
    ASSERT_LT(std::chrono::steady_clock::now(), ready_by) << "/readyz never answered 200:\n"
                                                          << test::file_tail(daemon_log);
    std::this_thread::sleep_for(100ms);
  }

  // An operator's move to eu-west-1 once its check has reported (readiness wants the target
  // judged healthy), and its recovery time in the API: what the failover panel must show.
  const auto judged_by = std::chrono::steady_clock::now() + 30s;
  while (true) {
    const auto app = application(port);
    bool judged = false;
    if (app.is_object())
      for (const auto& region : app["regions"])
        judged = judged || (region["region"] == "eu-west-1" && region["reported"] == true && region["failing"] == false);
    if (judged) break;
    ASSERT_LT(std::chrono::steady_clock::now(), judged_by) << "eu-west-1 never reported healthy: " << app.dump();
    std::this_thread::sleep_for(100ms);
  }
  const auto executed = http_call(port, boost::beast::http::verb::post, "/api/v1/failover/web/execute",
                                  R"({"to": "eu-west-1"})");
  ASSERT_TRUE(executed && executed->status == 202u) << (executed ? executed->body : "no answer");
  const auto moved_by = std::chrono::steady_clock::now() + 30s;
  nlohmann::json recovery;
  while (true) {
    const auto app = application(port);
    if (app.is_object() && app["recovery"].is_object() && app["recovery"]["running"] == false) {
      recovery = app["recovery"];
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), moved_by) << "the move never ended: " << app.dump()
                                                          << test::file_tail(daemon_log);
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(recovery["outcome"], "completed") << recovery.dump(2);  // asked for: no failure to count from

  for (const auto* name : {"dashboard.png", "dashboard-narrow.png", "dashboard-failure.png"}) {
    fs::remove(artifacts / name);  // never mistake an earlier run's picture for this one's
  }
  const auto browser_log = dir_.path() / "browser.log";
  const auto work = dir_.path() / "browser";
  fs::create_directories(work);
  test::ChildProcess browser({node->string(), (browser_dir / "dashboard.test.mjs").string(), "--url",
                              "http://127.0.0.1:" + std::to_string(port), "--dir", work.string(), "--token", token,
                              "--expect-recovery"},
                             browser_log);

  // Serve the script's fault request while it runs; it gives up by itself, this is a backstop.
  bool fault_set = false;
  const auto deadline = std::chrono::steady_clock::now() + 150s;
  while (browser.running()) {
    if (!fault_set && fs::exists(work / "set-fault")) {
      proxy_.set_fault_for("dynamodb.us-east-1.example.test", DnsFault::nodata);
      std::ofstream(work / "fault-set") << "nodata\n";
      fault_set = true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      browser.stop();
      FAIL() << "the browser test did not finish in 150 s:\n" << test::file_tail(browser_log, 60);
    }
    std::this_thread::sleep_for(50ms);
  }

  // dashboard.png (and dashboard-narrow.png, or dashboard-failure.png) outlive the temporary directory.
  fs::create_directories(artifacts);
  for (const auto& entry : fs::directory_iterator(work)) {
    if (entry.path().extension() == ".png") {
      fs::copy_file(entry.path(), artifacts / entry.path().filename(), fs::copy_options::overwrite_existing);
      std::cout << "screenshot: " << (artifacts / entry.path().filename()).string() << "\n";
    }
  }
  const auto output = test::file_tail(browser_log, 80);
  std::cout << output;
  EXPECT_EQ(browser.exit_status(), 0) << output << "\nregionguard's log:\n" << test::file_tail(daemon_log, 40);
  EXPECT_TRUE(fault_set) << "the browser test never asked for the fault";
  EXPECT_NE(output.find(" passed, 0 failed"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(work / "dashboard.png")) << "no screenshot";

  EXPECT_TRUE(daemon.running()) << test::file_tail(daemon_log);
  daemon.stop(5s);
  EXPECT_EQ(daemon.exit_status(), 0) << test::file_tail(daemon_log);
}

}  // namespace
}  // namespace rg
