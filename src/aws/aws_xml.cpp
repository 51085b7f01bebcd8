#include "aws/aws_xml.h"

#include <array>
#include <charconv>
#include <cstdlib>

#include "aws/aws_time.h"
#include "core/text.h"

namespace rg::aws {
namespace {

std::string trimmed(std::string_view s) { return std::string(trim(s)); }

}  // namespace

std::expected<std::unique_ptr<pugi::xml_document>, AwsError> parse_xml_document(std::string_view body,
                                                                                std::string_view operation) {
  auto doc = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result parsed = doc->load_buffer(body.data(), body.size());
  if (!parsed) {
    return std::unexpected(make_error(AwsErrorKind::bad_response,
                                      std::string(operation) + ": the answer is not well-formed XML (" +
                                          parsed.description() + " at byte " + std::to_string(parsed.offset) +
                                          " of " + std::to_string(body.size()) + ")"));
  }
  if (!doc->document_element()) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(operation) + ": the answer has no XML element"));
  }
  return doc;
}

std::string_view xml_local_name(pugi::xml_node node) {
  std::string_view name = node.name();
  if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(colon + 1);
  return name;
}

pugi::xml_node xml_child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node n : parent.children()) {
    if (n.type() == pugi::node_element && xml_local_name(n) == local) return n;
  }
  return {};
}

pugi::xml_node xml_path(pugi::xml_node node, std::initializer_list<std::string_view> path) {
  for (std::string_view step : path) {
    if (!node) break;
    node = xml_child(node, step);
  }
  return node;
}

std::vector<pugi::xml_node> xml_children(pugi::xml_node parent, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node n : parent.children()) {
    if (n.type() == pugi::node_element && xml_local_name(n) == local) out.push_back(n);
  }
  return out;
}

std::vector<pugi::xml_node> xml_list(pugi::xml_node parent, std::string_view list) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node n : xml_child(parent, list).children()) {
    if (n.type() == pugi::node_element) out.push_back(n);
  }
  return out;
}

std::string xml_text(pugi::xml_node parent, std::string_view local) {
  return trimmed(xml_child(parent, local).text().get());
}

std::optional<std::string> xml_opt_text(pugi::xml_node parent, std::string_view local) {
  pugi::xml_node n = xml_child(parent, local);
  if (!n) return std::nullopt;
  return trimmed(n.text().get());
}

std::optional<std::int64_t> xml_int(pugi::xml_node parent, std::string_view local) {
  const auto text = xml_opt_text(parent, local);
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::optional<double> xml_double(pugi::xml_node parent, std::string_view local) {
  const auto text = xml_opt_text(parent, local);
  if (!text || text->empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (end != text->c_str() + text->size()) return std::nullopt;
  return value;
}

std::optional<bool> xml_bool(pugi::xml_node parent, std::string_view local) {
  const auto text = xml_opt_text(parent, local);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return std::nullopt;
}

std::optional<TimePoint> xml_time(pugi::xml_node parent, std::string_view local) {
  const auto text = xml_opt_text(parent, local);
  if (!text || text->empty()) return std::nullopt;
  auto t = parse_iso8601(*text);
  if (!t) return std::nullopt;
  return *t;
}

std::string format_double(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) return "0";
  return std::string(buffer.data(), end);
}

AwsError missing_element(std::string_view operation, std::string_view element) {
  return make_error(AwsErrorKind::bad_response,
                    std::string(operation) + ": the answer has no <" + std::string(element) + ">");
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

XmlWriter::XmlWriter(std::string_view root, std::string_view xmlns) {
  out_ = "<" + std::string(root);
  if (!xmlns.empty()) out_ += " xmlns=\"" + xml_escape(xmlns) + "\"";
  out_ += ">";
  open_.emplace_back(root);
}

XmlWriter& XmlWriter::open(std::string_view name) {
  out_ += "<" + std::string(name) + ">";
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::leaf(std::string_view name, std::string_view text) {
  out_ += "<" + std::string(name) + ">" + xml_escape(text) + "</" + std::string(name) + ">";
  return *this;
}

XmlWriter& XmlWriter::integer(std::string_view name, std::int64_t value) { return leaf(name, std::to_string(value)); }

XmlWriter& XmlWriter::decimal(std::string_view name, double value) { return leaf(name, format_double(value)); }

XmlWriter& XmlWriter::boolean(std::string_view name, bool value) {
  return leaf(name, std::string_view(value ? "true" : "false"));
}

XmlWriter& XmlWriter::optional_leaf(std::string_view name, const std::optional<std::string>& text) {
  if (text) leaf(name, std::string_view(*text));
  return *this;
}

XmlWriter& XmlWriter::optional_integer(std::string_view name, const std::optional<std::int64_t>& value) {
  if (value) integer(name, *value);
  return *this;
}

XmlWriter& XmlWriter::optional_boolean(std::string_view name, const std::optional<bool>& value) {
  if (value) boolean(name, *value);
  return *this;
}

XmlWriter& XmlWriter::close() {
  if (!open_.empty()) {
    out_ += "</" + open_.back() + ">";
    open_.pop_back();
  }
  return *this;
}

std::string XmlWriter::finish() {
  while (!open_.empty()) close();
  return std::move(out_);
}

}  // namespace rg::aws
