#include "cluster/etcd_json.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rg::cluster::json {
namespace {

using nlohmann::json;

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A field that is there but not what the gateway sends; caught at the top of each parse.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string int64_text(std::int64_t value) { return std::to_string(value); }

// A 64-bit number: a string on the wire (a plain number is taken as well), absent means 0.
std::int64_t int64_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (!it->is_string()) throw BadField(fmt::format("\"{}\" is not a number", name));
  const auto& text = it->get_ref<const std::string&>();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw BadField(fmt::format("\"{}\" is not a 64-bit number: \"{}\"", name, text));
  return value;
}

bool bool_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw BadField(fmt::format("\"{}\" is not true or false", name));
  return it->get<bool>();
}

std::string string_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw BadField(fmt::format("\"{}\" is not a string", name));
  return it->get<std::string>();
}

std::string bytes_field(const json& object, const char* name) {
  auto decoded = base64_decode(string_field(object, name));
  if (!decoded) throw BadField(fmt::format("\"{}\" is not base64", name));
  return std::move(*decoded);
}

const json& object_field(const json& object, const char* name) {
  static const json empty = json::object();
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return empty;
  if (!it->is_object()) throw BadField(fmt::format("\"{}\" is not an object", name));
  return *it;
}

const json& array_field(const json& object, const char* name) {
  static const json empty = json::array();
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return empty;
  if (!it->is_array()) throw BadField(fmt::format("\"{}\" is not an array", name));
  return *it;
}

EtcdKeyValue key_value(const json& kv) {
  if (!kv.is_object()) throw BadField("a key-value is not an object");
  return {bytes_field(kv, "key"),           bytes_field(kv, "value"),   int64_field(kv, "create_revision"),
          int64_field(kv, "mod_revision"), int64_field(kv, "version"), int64_field(kv, "lease")};
}

std::vector<EtcdKeyValue> key_values(const json& answer) {
  std::vector<EtcdKeyValue> out;
  for (const auto& kv : array_field(answer, "kvs")) out.push_back(key_value(kv));
  return out;
}

std::int64_t revision_of(const json& answer) { return int64_field(object_field(answer, "header"), "revision"); }

EtcdError bad(std::string_view what, std::string_view why) {
  return {EtcdError::Kind::bad_response, 0, fmt::format("etcd {}: unexpected answer: {}", what, why)};
}

// Parses `body` as one JSON object and hands it to `read`; any surprise is bad_response.
template <class T, class Read>
EtcdResult<T> parse(std::string_view body, std::string_view what, Read read) {
  const json answer = json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) return std::unexpected(bad(what, "not a JSON object"));
  try {
    return read(answer);
  } catch (const BadField& e) {
    return std::unexpected(bad(what, e.what()));
  } catch (const json::exception& e) {
    return std::unexpected(bad(what, e.what()));
  }
}

json key_range(const EtcdOperation& op) {
  json out{{"key", base64_encode(op.key)}};
  if (!op.range_end.empty()) out["range_end"] = base64_encode(op.range_end);
  return out;
}

json range_json(const EtcdOperation& op) {
  json out = key_range(op);
  if (op.limit > 0) out["limit"] = int64_text(op.limit);
  return out;
}

json put_json(const EtcdOperation& op) {
  json out{{"key", base64_encode(op.key)}, {"value", base64_encode(op.value)}};
  if (op.lease != 0) out["lease"] = int64_text(op.lease);
  return out;
}

json request_op(const EtcdOperation& op) {
  switch (op.kind) {
    case EtcdOperation::Kind::range: return {{"request_range", range_json(op)}};
    case EtcdOperation::Kind::put: return {{"request_put", put_json(op)}};
    case EtcdOperation::Kind::delete_range: return {{"request_delete_range", key_range(op)}};
  }
  return {};
}

json compare_json(const EtcdCompare& compare) {
  static constexpr std::array targets{"CREATE", "MOD", "VERSION", "VALUE", "LEASE"};
  static constexpr std::array fields{"create_revision", "mod_revision", "version", "value", "lease"};
  static constexpr std::array results{"EQUAL", "NOT_EQUAL", "LESS", "GREATER"};
  const auto target = static_cast<std::size_t>(compare.target);
  json out{{"key", base64_encode(compare.key)},
           {"target", targets[target]},
           {"result", results[static_cast<std::size_t>(compare.result)]}};
  if (compare.target == EtcdCompare::Target::value)
    out["value"] = base64_encode(compare.value);
  else
    out[fields[target]] = int64_text(compare.number);
  return out;
}

// One object of a watch stream: {"result": {...}} with its events, or the gateway's {"error": {...}}.
WatchMessage watch_message(const json& message) {
  if (message.contains("error")) {
    // A stream error of the gateway: {"error": {"grpc_code", "http_code", "message", ...}}.
    const json& error = message["error"];
    throw BadField(error.is_object() ? string_field(error, "message") : error.dump());
  }
  const json& result = object_field(message, "result");
  WatchMessage out;
  out.revision = revision_of(result);
  out.created = bool_field(result, "created");
  out.canceled = bool_field(result, "canceled");
  out.reason = string_field(result, "cancel_reason");
  if (out.canceled && out.reason.empty()) {
    const auto compacted = int64_field(result, "compact_revision");
    out.reason = compacted != 0 ? fmt::format("revision compacted up to {}", compacted) : "canceled by the server";
  }
  for (const auto& event : array_field(result, "events")) {
    if (!event.is_object()) throw BadField("an event is not an object");
    EtcdEvent parsed;
    const std::string type = string_field(event, "type");
    if (type == "DELETE")
      parsed.type = EtcdEvent::Type::erase;
    else if (type.empty() || type == "PUT")
      parsed.type = EtcdEvent::Type::put;
    else
      throw BadField(fmt::format("unknown event type \"{}\"", type));
    parsed.kv = key_value(object_field(event, "kv"));
    out.events.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16 |
                                              static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                              static_cast<unsigned char>(bytes[i + 2]));
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(n >> shift) & 63];
  }
  if (const std::size_t left = bytes.size() - i; left > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16);
    if (left == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += left == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      std::uint32_t value = 0;
      if (c == '=') {
        // Padding only in the last two places of the last group.
        if (i + 4 != text.size() || j < 2) return std::nullopt;
        ++padding;
      } else {
        if (padding > 0) return std::nullopt;
        const auto at = alphabet.find(c);
        if (at == std::string_view::npos) return std::nullopt;
        value = static_cast<std::uint32_t>(at);
      }
      n = n << 6 | value;
    }
    out += static_cast<char>((n >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

std::string range_body(const EtcdOperation& range) { return range_json(range).dump(); }
std::string put_body(const EtcdOperation& put) { return put_json(put).dump(); }
std::string delete_body(const EtcdOperation& erase) { return key_range(erase).dump(); }

std::string txn_body(const EtcdTxn& txn) {
  json out{{"compare", json::array()}, {"success", json::array()}, {"failure", json::array()}};
  for (const auto& compare : txn.compare) out["compare"].push_back(compare_json(compare));
  for (const auto& op : txn.success) out["success"].push_back(request_op(op));
  for (const auto& op : txn.failure) out["failure"].push_back(request_op(op));
  return out.dump();
}

std::string grant_body(std::chrono::seconds ttl) { return json{{"TTL", int64_text(ttl.count())}}.dump(); }
std::string lease_id_body(std::int64_t lease) { return json{{"ID", int64_text(lease)}}.dump(); }

std::string watch_body(std::string_view key, std::string_view range_end, std::int64_t start_revision) {
  json create{{"key", base64_encode(key)}};
  if (!range_end.empty()) create["range_end"] = base64_encode(range_end);
  if (start_revision > 0) create["start_revision"] = int64_text(start_revision);
  return json{{"create_request", create}}.dump();
}

std::string authenticate_body(std::string_view user, std::string_view password) {
  return json{{"name", user}, {"password", password}}.dump();
}

EtcdError error_answer(long status, std::string_view body, std::string_view what) {
  const json answer = json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("code"))
    return bad(what, fmt::format("HTTP {} without the gateway's error body", status));
  try {
    const auto code = int64_field(answer, "code");
    std::string message = string_field(answer, "message");
    if (message.empty()) message = string_field(answer, "error");
    const auto kind = code == 16 ? EtcdError::Kind::auth : EtcdError::Kind::refused;
    return {kind, static_cast<int>(code), fmt::format("etcd {}: {} (HTTP {}, code {})", what, message, status, code)};
  } catch (const BadField& e) {
    return bad(what, e.what());
  } catch (const json::exception& e) {
    return bad(what, e.what());
  }
}

EtcdResult<EtcdResponse> parse_range(std::string_view body, std::string_view what) {
  return parse<EtcdResponse>(body, what, [](const json& answer) {
    EtcdResponse out;
    out.revision = revision_of(answer);
    out.ranges.push_back(key_values(answer));
    return out;
  });
}

EtcdResult<EtcdResponse> parse_put(std::string_view body, std::string_view what) {
  return parse<EtcdResponse>(body, what, [](const json& answer) {
    EtcdResponse out;
    out.revision = revision_of(answer);
    return out;
  });
}

EtcdResult<EtcdResponse> parse_delete(std::string_view body, std::string_view what) {
  return parse<EtcdResponse>(body, what, [](const json& answer) {
    EtcdResponse out;
    out.revision = revision_of(answer);
    out.deleted = int64_field(answer, "deleted");
    return out;
  });
}

EtcdResult<EtcdResponse> parse_txn(std::string_view body, std::string_view what) {
  return parse<EtcdResponse>(body, what, [](const json& answer) {
    EtcdResponse out;
    out.revision = revision_of(answer);
    out.succeeded = bool_field(answer, "succeeded");
    for (const auto& response : array_field(answer, "responses")) {
      if (!response.is_object()) throw BadField("a transaction response is not an object");
      if (response.contains("response_range")) {
        out.ranges.push_back(key_values(object_field(response, "response_range")));
      } else if (response.contains("response_delete_range")) {
        out.deleted += int64_field(object_field(response, "response_delete_range"), "deleted");
        out.ranges.emplace_back();
      } else {
        out.ranges.emplace_back();  // a put
      }
    }
    return out;
  });
}

EtcdResult<EtcdLease> parse_grant(std::string_view body, std::string_view what) {
  return parse<EtcdLease>(body, what, [&](const json& answer) -> EtcdLease {
    if (const auto error = string_field(answer, "error"); !error.empty()) throw BadField(error);
    EtcdLease out{int64_field(answer, "ID"), std::chrono::seconds(int64_field(answer, "TTL"))};
    if (out.id == 0) throw BadField("the grant has no lease ID");
    return out;
  });
}

EtcdResult<EtcdLease> parse_keep_alive(std::string_view body, std::string_view what) {
  return parse<EtcdLease>(body, what, [](const json& answer) {
    const json& result = object_field(answer, "result");
    // A lease that no longer exists is answered with no TTL: 0.
    return EtcdLease{int64_field(result, "ID"), std::chrono::seconds(int64_field(result, "TTL"))};
  });
}

EtcdResult<std::string> parse_authenticate(std::string_view body, std::string_view what) {
  return parse<std::string>(body, what, [](const json& answer) {
    std::string token = string_field(answer, "token");
    if (token.empty()) throw BadField("no token in the authentication answer");
    return token;
  });
}

bool is_invalid_token(const EtcdError& error) {
  return error.kind == EtcdError::Kind::auth || error.message.find("invalid auth token") != std::string::npos;
}

EtcdResult<std::vector<WatchMessage>> WatchStreamParser::feed(std::string_view bytes, std::string_view what) {
  if (failed_) return std::unexpected(*failed_);
  buffer_.append(bytes);
  std::vector<WatchMessage> out;
  std::size_t start = 0;  // where the current object begins in buffer_
  // Scan for the end of each top-level object, minding strings (a '}' in a value is not an end).
  for (std::size_t i = scanned_; i < buffer_.size(); ++i) {
    const char c = buffer_[i];
    if (depth_ == 0) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        start = i + 1;
        continue;
      }
      if (c != '{') {
        failed_ = bad(what, "the watch stream holds something other than JSON objects");
        return std::unexpected(*failed_);
      }
    }
    if (in_string_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        in_string_ = false;
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if ((c == '}' || c == ']') && --depth_ == 0) {
      auto message = parse<WatchMessage>(std::string_view(buffer_).substr(start, i + 1 - start), what,
                                         [](const json& object) { return watch_message(object); });
      if (!message) {
        failed_ = message.error();
        return std::unexpected(*failed_);
      }
      out.push_back(std::move(*message));
      start = i + 1;
    }
  }
  // Keep only the unfinished object; remember how far it was scanned.
  buffer_.erase(0, start);
  scanned_ = buffer_.size();
  return out;
}

}  // namespace rg::cluster::json
