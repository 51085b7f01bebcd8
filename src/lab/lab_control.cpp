#include "lab/lab_control.h"

#include "lab/http_call.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace rg::lab {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

}  // namespace

std::filesystem::path lab_state_file() {
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && *runtime != '\0') {
    return std::filesystem::path(runtime) / "regionguard-lab.json";
  }
  return fmt::format("/tmp/regionguard-lab-{}.json", ::getuid());
}

LabControl::LabControl(LabWorld& world) : world_(world), token_(random_base64(24)), state_file_(lab_state_file()) {
  server_ = std::make_unique<HttpServer>("127.0.0.1", [this](const HttpRequest& request) -> HttpReply {
    if (request.method != "POST" || request.target != "/fault") return {404, "POST /fault only\n"};
    const auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("token") || body["token"] != token_) {
      return {401, "wrong or missing token (read it from the lab's state file)\n"};
    }
    if (!body.contains("words") || !body["words"].is_array()) return {400, "expected {\"words\": [...]}\n"};
    std::vector<std::string> words;
    for (const auto& word : body["words"]) {
      if (!word.is_string()) return {400, "words must be strings\n"};
      words.push_back(word.get<std::string>());
    }
    const auto done = world_.apply_fault(words);
    return done ? HttpReply{200, *done + "\n"} : HttpReply{400, done.error() + "\n"};
  });
  json state = {{"pid", ::getpid()},
                {"control_port", server_->port()},
                {"token", token_},
                {"dashboard", world_.dashboard_url()},
                {"directory", world_.directory().string()}};
  if (world_.moto() != nullptr) {
    state["moto"] = world_.moto()->endpoint();
    state["route53_zone_id"] = world_.route53_zone_id();
  }
  // Written then renamed, readable by this user only: it holds the token.
  const auto temporary = state_file_.string() + ".new";
  {
    const mode_t old_mask = ::umask(077);
    std::ofstream file(temporary, std::ios::trunc);
    ::umask(old_mask);
    file << state.dump() << "\n";
    if (!file.flush()) throw std::runtime_error("cannot write the lab's state file " + temporary);
  }
  std::filesystem::rename(temporary, state_file_);
}

LabControl::~LabControl() {
  std::error_code ignored;
  std::filesystem::remove(state_file_, ignored);
}

std::expected<std::string, std::string> send_fault(const std::vector<std::string>& words) {
  const auto file = lab_state_file();
  std::ifstream in(file);
  if (!in) return std::unexpected(fmt::format("no lab is running ({} is missing): start one with `regionguard lab`",
                                              file.string()));
  const auto state = json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
  if (state.is_discarded() || !state.contains("control_port") || !state.contains("token")) {
    return std::unexpected(fmt::format("{} is not a lab state file", file.string()));
  }
  const json body = {{"token", state["token"]}, {"words", words}};
  const auto answer = http_call("127.0.0.1", state["control_port"].get<std::uint16_t>(), "/fault", 5s, "POST",
                                body.dump());
  if (!answer) {
    return std::unexpected(fmt::format("the lab (pid {}) does not answer on 127.0.0.1:{}: {}; is it still running?",
                                       state.value("pid", 0), state["control_port"].get<int>(), answer.error()));
  }
  auto text = answer->body;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (answer->status != 200) return std::unexpected(text);
  return text;
}

}  // namespace rg::lab
