#include "config/custom_step_reader.h"

#include <algorithm>
#include <map>

#include "config/target_url.h"
#include "core/text.h"

namespace rg {
namespace {

const std::vector<std::string_view> step_keys{"name", "exec", "webhook", "timeout", "undo", "irreversible"};
const std::vector<std::string_view> undo_keys{"exec", "webhook", "timeout"};
const std::vector<std::string_view> webhook_keys{"url", "headers"};
// Set by the step itself; a configured value would contradict the body or the dedupe key.
const std::vector<std::string_view> reserved_headers{"content-type", "content-length", "host", "idempotency-key"};
// A step that runs longer holds the whole failover (and the lease) meanwhile.
constexpr std::chrono::milliseconds kMaxTimeout{60 * 60'000};

bool is_step_name(std::string_view name) {
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

// RFC 9110 token characters.
bool is_header_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

class CustomStepReader {
 public:
  explicit CustomStepReader(ErrorList& errors) : errors_(errors) {}

  std::vector<CustomStepConfig> read(const YamlValue& value) {
    std::vector<CustomStepConfig> steps;
    std::map<std::string, std::string> paths;  // name -> the path of the step that has it
    for (const auto& item : read_list(value, errors_).value_or(std::vector<YamlValue>{})) {
      const auto fields = read_mapping(item, step_keys, errors_);
      if (!fields) continue;
      CustomStepConfig step;
      bool complete = true;
      if (const auto v = fields->require("name", errors_)) {
        const auto name = read_string(*v, errors_);
        if (name && !is_step_name(*name)) {
          errors_.add(*v, "`" + *name + "` must be letters, digits, '-', '_' or '.' (it is part of the idempotency key app:generation:step)");
          complete = false;
        } else if (name && paths.contains(*name)) {
          errors_.add(*v, "`" + *name + "` is the name of " + paths[*name] + " too; step names are unique within the plan");
          complete = false;
        } else if (name) {
          paths[*name] = item.path;
          step.name = *name;
        } else {
          complete = false;
        }
      } else {
        complete = false;
      }
      const auto action = read_call(*fields, item);
      if (action) step.action = *action;
      complete = complete && action.has_value();
      if (const auto v = fields->get("irreversible")) step.irreversible = read_bool(*v, errors_).value_or(false);
      if (const auto v = fields->get("undo")) {
        if (step.irreversible) {
          errors_.add(*v, "an irreversible step is never undone: remove undo, or irreversible: true");
          complete = false;
        } else if (const auto undo_fields = read_mapping(*v, undo_keys, errors_)) {
          step.undo = read_call(*undo_fields, *v);
          complete = complete && step.undo.has_value();
        } else {
          complete = false;
        }
      }
      if (complete) steps.push_back(std::move(step));
    }
    return steps;
  }

 private:
  // exec or webhook, and timeout, from a step or its undo (`at`).
  std::optional<CustomCallConfig> read_call(const Mapping& fields, const YamlValue& at) {
    const auto exec = fields.get("exec");
    const auto webhook = fields.get("webhook");
    if (exec && webhook) {
      errors_.add(*webhook, "give either exec or webhook, not both");
      return std::nullopt;
    }
    if (!exec && !webhook) {
      errors_.add(at, "needs exec (a command: [path, args...]) or webhook ({url: ...})");
      return std::nullopt;
    }
    CustomCallConfig call;
    bool complete = exec ? read_argv(*exec, call) : read_webhook(*webhook, call);
    call.timeout = exec ? kDefaultExecTimeout : kDefaultWebhookTimeout;
    if (const auto v = fields.get("timeout")) {
      if (const auto timeout = read_positive_duration(*v, errors_)) {
        if (*timeout > kMaxTimeout) {
          errors_.add(*v, "must be at most 1h (the plan, and every move of the application, waits for the step)");
          complete = false;
        } else {
          call.timeout = *timeout;
        }
      } else {
        complete = false;
      }
    }
    return complete ? std::optional(call) : std::nullopt;
  }

  bool read_argv(const YamlValue& value, CustomCallConfig& call) {
    call.kind = CustomCallConfig::Kind::exec;
    const auto items = read_list(value, errors_);
    if (!items) return false;
    if (items->empty()) {
      errors_.add(value, "must list the command and its arguments: [/path/to/command, arg, ...]");
      return false;
    }
    bool complete = true;
    for (const auto& item : *items) {
      const auto word = read_string(item, errors_);
      if (word) call.argv.push_back(*word);
      complete = complete && word.has_value();
    }
    if (!complete) return false;
    const auto& command = call.argv.front();
    if (command.find('/') != std::string::npos && !command.starts_with('/')) {
      errors_.add(items->front(), "`" + command + "` is a relative path (relative to the daemon's working directory): "
                                  "give an absolute path, or a bare name found in PATH");
      return false;
    }
    return true;
  }

  bool read_webhook(const YamlValue& value, CustomCallConfig& call) {
    call.kind = CustomCallConfig::Kind::webhook;
    const auto fields = read_mapping(value, webhook_keys, errors_);
    if (!fields) return false;
    bool complete = true;
    if (const auto v = fields->require("url", errors_)) {
      const auto url = read_string(*v, errors_);
      const auto parsed = url ? parse_target_url(*url) : std::nullopt;
      if (url && (!parsed || (parsed->scheme != "https" && parsed->scheme != "http"))) {
        errors_.add(*v, "`" + *url + "` is not an http(s) URL (https://host[:port]/path)");
        complete = false;
      } else if (url && parsed->scheme == "http" && !is_loopback(parsed->host)) {
        // The body names the plan and the headers often carry a bearer token: not in clear text
        // over a network. A receiver on this host (a local agent) may take plain http.
        errors_.add(*v, "`" + *url + "`: plain http is allowed only to a loopback address (127.0.0.1, ::1, "
                        "localhost); use https");
        complete = false;
      } else if (url) {
        call.url = *url;
      } else {
        complete = false;
      }
    } else {
      complete = false;
    }
    if (const auto v = fields->get("headers")) {
      if (const auto headers = read_open_mapping(*v, errors_)) {
        for (const auto& entry : headers->entries()) {
          const auto text = read_string(entry.value, errors_);
          if (!is_header_name(entry.key)) {
            errors_.add(entry.key_mark, entry.value.path, "`" + entry.key + "` is not an HTTP header name");
            complete = false;
          } else if (std::ranges::find(reserved_headers, to_lower(entry.key)) != reserved_headers.end()) {
            errors_.add(entry.key_mark, entry.value.path, entry.key + " is set by regionguard (the JSON body and its idempotency key)");
            complete = false;
          } else if (text && text->find_first_of("\r\n") != std::string::npos) {
            errors_.add(entry.value, "must be one line");
            complete = false;
          } else if (text) {
            call.headers.emplace_back(entry.key, *text);
          } else {
            complete = false;
          }
        }
      } else {
        complete = false;
      }
    }
    return complete;
  }

  ErrorList& errors_;
};

}  // namespace

std::vector<CustomStepConfig> read_custom_steps(const YamlValue& value, ErrorList& errors) {
  return CustomStepReader(errors).read(value);
}

}  // namespace rg
