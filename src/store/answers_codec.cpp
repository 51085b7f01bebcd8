#include "store/answers_codec.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

namespace rg {
namespace {

using nlohmann::json;

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kHexDigits[byte >> 4]);
    out.push_back(kHexDigits[byte & 0x0f]);
  }
  return out;
}

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const auto high = hex_value(hex[i]);
    const auto low = hex_value(hex[i + 1]);
    if (!high || !low) return std::nullopt;
    out.push_back(static_cast<char>((*high << 4) | *low));
  }
  return out;
}

// Appends `value` as a JSON string. Hand-written rather than built through nlohmann::json: this
// runs for every stored row and is the hot part of append(). Valid UTF-8 passes through as is;
// only quotes, backslashes and control characters need escapes.
void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  for (const char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHexDigits[static_cast<unsigned char>(c) >> 4]);
          out.push_back(kHexDigits[c & 0x0f]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// "key":"value", or "key_hex":"..." when the value is not UTF-8 and so cannot be a JSON string.
void append_text_field(std::string& out, std::string_view key, std::string_view value) {
  out.push_back('"');
  out += key;
  if (is_valid_utf8(value)) {
    out += "\":";
    append_json_string(out, value);
  } else {
    out += "_hex\":";
    append_json_string(out, to_hex(value));
  }
}

std::optional<std::string> get_text(const json& object, const std::string& key) {
  if (const auto it = object.find(key); it != object.end()) {
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }
  if (const auto it = object.find(key + "_hex"); it != object.end() && it->is_string()) {
    return from_hex(it->get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::optional<std::uint32_t> get_ttl(const json& object) {
  const auto it = object.find("ttl");
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  const auto ttl = it->get<std::uint64_t>();
  if (ttl > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(ttl);
}

StoreError corrupt(std::string_view why, std::string_view text) {
  constexpr std::size_t kShown = 80;
  return StoreError{StoreError::Code::io,
                    "stored answers are not valid (" + std::string(why) + "): " + std::string(text.substr(0, kShown))};
}

StoreResult<std::vector<DnsAnswer>> decode_array(const json& array, std::string_view text) {
  std::vector<DnsAnswer> answers;
  answers.reserve(array.size());
  for (const auto& item : array) {
    if (!item.is_object()) return std::unexpected(corrupt("an element is not an object", text));
    auto type = get_text(item, "type");
    auto data = get_text(item, "data");
    const auto ttl = get_ttl(item);
    if (!type || !data || !ttl) return std::unexpected(corrupt("missing or bad type/data/ttl", text));
    answers.push_back(DnsAnswer{std::move(*type), std::move(*data), *ttl});
  }
  return answers;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  // Well-formed UTF-8 as in Unicode table 3-7: no overlong forms, no surrogates, nothing past
  // U+10FFFF. This is exactly what the JSON serializer accepts.
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) second_min = 0xa0;  // overlong
      if (lead == 0xed) second_max = 0x9f;  // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) second_min = 0x90;  // overlong
      if (lead == 0xf4) second_max = 0x8f;  // past U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < second_min || second > second_max) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

StoreResult<std::string> encode_answers(const std::vector<DnsAnswer>& answers) {
  if (answers.empty()) return std::string("[]");
  try {
    std::string out = "[";
    for (const auto& answer : answers) {
      if (out.size() > 1) out.push_back(',');
      out.push_back('{');
      append_text_field(out, "type", answer.type);
      out.push_back(',');
      append_text_field(out, "data", answer.data);
      out += ",\"ttl\":";
      out += std::to_string(answer.ttl);
      out.push_back('}');
    }
    out.push_back(']');
    return out;
  } catch (const std::exception& e) {  // allocation failure; never let it cross the Store interface
    return std::unexpected(
        StoreError{StoreError::Code::bad_argument, std::string("cannot encode answers: ") + e.what()});
  }
}

StoreResult<std::vector<DnsAnswer>> decode_answers(std::string_view json_text) {
  if (json_text == "[]") return std::vector<DnsAnswer>{};
  try {
    const json array = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (array.is_discarded() || !array.is_array()) return std::unexpected(corrupt("not a JSON array", json_text));
    return decode_array(array, json_text);
  } catch (const std::exception& e) {
    return std::unexpected(corrupt(e.what(), json_text));
  }
}

}  // namespace rg
