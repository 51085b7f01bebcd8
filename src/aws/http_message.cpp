#include "aws/http_message.h"

#include <algorithm>
#include <charconv>

namespace rg::aws {
namespace {


bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_encoded(std::string& out, std::string_view text, bool encode_slash, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (!encode_slash && c == '/')) {
      out.push_back(ch);
    } else if (space_as_plus && c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
}

std::string encode_pairs(const QueryParams& params, bool space_as_plus) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    append_encoded(out, key, true, space_as_plus);
    out.push_back('=');
    append_encoded(out, value, true, space_as_plus);
  }
  return out;
}

AwsError bad_url(std::string_view url, std::string_view why) {
  return make_error(AwsErrorKind::invalid_argument, "bad URL '" + std::string(url) + "': " + std::string(why));
}

}  // namespace

std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void remove_header(HttpHeaders& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

void set_header(HttpHeaders& headers, std::string_view name, std::string value) {
  remove_header(headers, name);
  headers.emplace_back(std::string(name), std::move(value));
}

std::expected<Url, AwsError> parse_url(std::string_view url) {
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return std::unexpected(bad_url(url, "contains a space or control character"));
  }
  Url out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::unexpected(bad_url(url, "no scheme"));
  out.scheme = to_lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") return std::unexpected(bad_url(url, "scheme must be http or https"));

  std::string_view rest = url.substr(scheme_end + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::unexpected(bad_url(url, "user info is not allowed"));

  std::string_view host = authority;
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected(bad_url(url, "unterminated IPv6 literal"));
    host = authority.substr(0, close + 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return std::unexpected(bad_url(url, "junk after IPv6 literal"));
      port_text = after.substr(1);
      if (port_text.empty()) return std::unexpected(bad_url(url, "empty port"));
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
    if (port_text.empty()) return std::unexpected(bad_url(url, "empty port"));
  }
  if (host.empty() || host == "[]") return std::unexpected(bad_url(url, "no host"));
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return std::unexpected(bad_url(url, "bad port"));
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  out.host = std::string(host);

  const auto q = rest.find('?');
  out.path = std::string(rest.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(rest.substr(q + 1));
  return out;
}

std::string host_header_value(const Url& url) {
  std::string host = to_lower(url.host);
  const std::uint16_t default_port = url.scheme == "https" ? 443 : 80;
  if (url.port && *url.port != default_port) {
    host += ':';
    host += std::to_string(*url.port);
  }
  return host;
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  std::string out;
  out.reserve(text.size());
  append_encoded(out, text, encode_slash, false);
  return out;
}

std::string uri_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string encode_query(const QueryParams& params) { return encode_pairs(params, false); }

std::string encode_form(const QueryParams& params) { return encode_pairs(params, true); }

}  // namespace rg::aws
