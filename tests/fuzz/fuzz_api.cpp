// Fuzz target: the HTTP API without sockets, one part per selector byte (tests/fuzz/README.md):
//
//   0 the request target and query value parsers (request_target.h)
//   1 a whole request to ApiHandler: "METHOD\nTARGET\nAUTHORIZATION\nBODY", where an
//     AUTHORIZATION of `T` stands for the configured token, so that the POST routes are reached
//
// The handler serves the present/ tests' small world (unit/present/present_fixture.h) after one
// analysed round, with a history store in memory and a dashboard of one file. Whatever the
// request, it must answer; issue 16's `step=922720385d` overflowed here.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "fuzz/fuzz_input.h"
#include "present/api_handler.h"
#include "present/request_target.h"
#include "store/sqlite_store.h"
#include "unit/present/present_fixture.h"

namespace {

constexpr std::string_view kToken = "fuzz-token-0123456789abcdef";

void target_parsers(std::string_view text) {
  (void)rg::parse_request_target(text);
  (void)rg::percent_decode(text, true);
  (void)rg::parse_api_time(text);
  (void)rg::parse_api_duration(text);
  (void)rg::parse_count(text, 1000);
}

// Everything the handler needs, made once: the process runs many inputs.
struct World {
  World() {
    std::filesystem::create_directories(web_root);
    std::ofstream(web_root / "index.html") << "<!doctype html><title>regionguard</title>";
    const auto analyzed = analyzer.analyze(rg::test::first_round());
    state.update(1, rg::test::kNewYear + std::chrono::seconds(1), analyzed);
    probes.observe(analyzed, state);
    rg::ApiHandler::Options options;
    options.token = std::string(kToken);
    options.web_root = web_root;
    auto opened = rg::SqliteStore::open(":memory:");
    if (opened) options.history = std::shared_ptr<rg::Store>(std::move(*opened));
    options.store_open = true;
    rg::ApiHandler::Hooks hooks;
    hooks.trigger_round = [] { return true; };
    hooks.now = [] { return rg::test::kNewYear + std::chrono::hours(1); };
    // An hour passes between calls, so the per-source limits (wrong tokens, /metrics) never
    // stop the inputs that follow from reaching the routes behind them.
    hooks.monotonic_now = [] {
      static auto fake = std::chrono::steady_clock::time_point{};
      return fake += std::chrono::hours(1);
    };
    handler = std::make_unique<rg::ApiHandler>(state, probes, std::move(options), std::move(hooks));
  }
  ~World() {
    std::error_code ignored;
    std::filesystem::remove_all(web_root, ignored);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  std::filesystem::path web_root = std::filesystem::temp_directory_path() / ("rg-fuzz-web-" + std::to_string(::getpid()));
  rg::Config config = rg::test::make_config();
  rg::RoundAnalyzer analyzer{config};
  rg::DashboardState state{config};
  rg::ProbeMetrics probes;
  std::unique_ptr<rg::ApiHandler> handler;
};

// The next line of `text`, taken off its front.
std::string_view take_line(std::string_view& text) {
  const auto end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  return line;
}

void request(std::string_view text) {
  static World world;
  rg::ApiRequest request;
  request.method = std::string(take_line(text));
  request.target = std::string(take_line(text));
  const std::string_view authorization = take_line(text);
  request.authorization = authorization == "T" ? "Bearer " + std::string(kToken) : std::string(authorization);
  request.body = std::string(text);
  request.host = "127.0.0.1:8080";
  auto result = world.handler->handle(request);
  if (auto* work = std::get_if<rg::BlockingWork>(&result)) (void)work->run();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [selector, rest] = rg::fuzz::select(data, size, 2);
  if (selector == 0) target_parsers(rest);
  if (selector == 1) request(rest);
  return 0;
}
