// The server section's limits against hostile clients: their defaults, and what a valid file sets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_loader.h"
#include "config/install_paths.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

constexpr std::string_view kHead =
    "regions: [us-east-1]\nservices: { s3: {} }\n"
    "endpoints:\n  - { hostname: s3.us-east-1.amazonaws.com, service: s3, region: us-east-1 }\n";

Config load(const std::string& server_yaml) {
  auto loaded = load_config_string(std::string(kHead) + server_yaml, "test.yaml");
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : to_string(loaded.error()));
  return loaded ? *loaded : Config{};
}

TEST(ServerSection, LimitsDefaultToWhatOneSourceCannotExhaust) {
  const ServerConfig server = load("").server;
  EXPECT_EQ(server.max_clients, 1024);
  EXPECT_EQ(server.max_clients_per_address, 64);
  EXPECT_EQ(server.header_timeout, Millis{10'000});
  EXPECT_EQ(server.websocket_max_age, Millis{3'600'000});
  EXPECT_TRUE(server.allowed_hosts.empty());
  EXPECT_FALSE(server.gate_listen.has_value());
  EXPECT_EQ(server.gate_max_clients, 1024);
  // A small max_clients pulls the per-address default down with it.
  EXPECT_EQ(load("server: { max_clients: 10 }\n").server.max_clients_per_address, 10);
}

// A checkout keeps serving its own dashboard build; an installed configuration (no web/dist beside
// its folder) finds the installed one without naming it; a web_root given is always taken.
TEST(ServerSection, WebRootDefaultsToTheCheckoutsBuildElseTheInstalledDashboard) {
  const test::TempDir dir;
  const auto config_dir = dir.path() / "config";
  std::filesystem::create_directories(config_dir);
  const std::string file = (config_dir / "regionguard.yaml").string();

  auto loaded = load_config_string(kHead, file);
  ASSERT_TRUE(loaded) << to_string(loaded.error());
  EXPECT_EQ(loaded->server.web_root, installed_web_root());
  EXPECT_TRUE(installed_web_root().ends_with("/share/regionguard/web")) << installed_web_root();

  std::filesystem::create_directories(dir.path() / "web" / "dist");
  std::ofstream(dir.path() / "web" / "dist" / "index.html") << "<!doctype html>";
  loaded = load_config_string(kHead, file);
  ASSERT_TRUE(loaded) << to_string(loaded.error());
  EXPECT_EQ(std::filesystem::path(loaded->server.web_root).lexically_normal(), dir.path() / "web" / "dist");

  loaded = load_config_string(std::string(kHead) + "server: { web_root: dashboard }\n", file);
  ASSERT_TRUE(loaded) << to_string(loaded.error());
  EXPECT_EQ(std::filesystem::path(loaded->server.web_root).lexically_normal(), config_dir / "dashboard");
}

TEST(ServerSection, ReadsHostsTheGateListenerAndItsAllowlist) {
  const ServerConfig server = load(
                                  "server:\n  listen: 127.0.0.1:8080\n  max_clients_per_address: 8\n"
                                  "  header_timeout: 2s\n  websocket_max_age: 10m\n"
                                  "  allowed_hosts: [Dash.Example.com, monitor.internal.]\n"
                                  "  gate_listen: \"[::1]:8081\"\n  gate_max_clients: 500\n"
                                  "  gate_allow: [192.0.2.0/24, \"2001:db8::/32\"]\n")
                                  .server;
  EXPECT_EQ(server.max_clients_per_address, 8);
  EXPECT_EQ(server.header_timeout, Millis{2'000});
  EXPECT_EQ(server.websocket_max_age, Millis{600'000});
  EXPECT_EQ(server.allowed_hosts, (std::vector<std::string>{"dash.example.com", "monitor.internal"}));
  ASSERT_TRUE(server.gate_listen.has_value());
  EXPECT_EQ(server.gate_listen->host, "::1");
  EXPECT_EQ(server.gate_listen->port, 8081);
  EXPECT_EQ(server.gate_max_clients, 500);
  ASSERT_EQ(server.gate_allow.size(), 2u);
  EXPECT_TRUE(server.gate_allow[0].contains("192.0.2.77"));
  EXPECT_FALSE(server.gate_allow[0].contains("198.51.100.1"));
  EXPECT_TRUE(server.gate_allow[1].contains("2001:db8::5"));
}

}  // namespace
}  // namespace rg
