#pragma once
// Reading and writing the XML of the Query, EC2 and REST-XML protocols with pugixml.
//
// Readers match elements by local name (a "ns:" prefix is ignored) and never throw: a missing
// element reads as "" or nullopt, and the per-operation parsers decide which absences are errors.
// Writers escape text and attribute values; the documents they produce are what botocore sends
// (no XML declaration, no whitespace between elements).
#include <pugixml.hpp>

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_error.h"
#include "core/time.h"

namespace rg::aws {

// A parsed document and the element the operation's result lives in.
struct XmlResponse {
  std::unique_ptr<pugi::xml_document> document;
  pugi::xml_node result;
};

// Parses an answer body. A body that is not well-formed XML (truncated, HTML, garbage) is a
// bad_response error naming the operation and pugixml's reason with its offset.
std::expected<std::unique_ptr<pugi::xml_document>, AwsError> parse_xml_document(std::string_view body,
                                                                                std::string_view operation);

std::string_view xml_local_name(pugi::xml_node node);
// The first child element with this local name; an empty node when there is none.
pugi::xml_node xml_child(pugi::xml_node parent, std::string_view local);
// xml_child along a path: xml_path(n, {"Endpoint", "Address"}).
pugi::xml_node xml_path(pugi::xml_node node, std::initializer_list<std::string_view> path);
// Every child element with this local name, in order.
std::vector<pugi::xml_node> xml_children(pugi::xml_node parent, std::string_view local);
// The children of the list element `list` (any element name: <member>, <item>, <Origin>...).
std::vector<pugi::xml_node> xml_list(pugi::xml_node parent, std::string_view list);

// Text of the child element, trimmed; "" when absent.
std::string xml_text(pugi::xml_node parent, std::string_view local);
// nullopt when the child is absent; its trimmed text (maybe "") when present.
std::optional<std::string> xml_opt_text(pugi::xml_node parent, std::string_view local);
// Numbers and booleans; nullopt when absent or not a number / not "true"/"false".
std::optional<std::int64_t> xml_int(pugi::xml_node parent, std::string_view local);
std::optional<double> xml_double(pugi::xml_node parent, std::string_view local);
std::optional<bool> xml_bool(pugi::xml_node parent, std::string_view local);
// ISO 8601 with a zone ("2026-11-21T09:07:46.000Z"); nullopt when absent or malformed.
std::optional<TimePoint> xml_time(pugi::xml_node parent, std::string_view local);

// A missing required element, as the error the parsers return.
AwsError missing_element(std::string_view operation, std::string_view element);

// The shortest decimal text that reads back as the same double ("12.5", "0.1", "1e+21").
std::string format_double(double value);

// Text as XML character data (&, <, >, ", ' escaped).
std::string xml_escape(std::string_view text);

// Builds an XML document element by element:
//   XmlWriter w("ChangeResourceRecordSetsRequest", "https://route53.amazonaws.com/doc/2013-04-01/");
//   w.open("ChangeBatch"); w.leaf("Comment", "x"); w.close(); ... std::string body = w.finish();
class XmlWriter {
 public:
  explicit XmlWriter(std::string_view root, std::string_view xmlns = {});
  XmlWriter& open(std::string_view name);
  XmlWriter& leaf(std::string_view name, std::string_view text);
  XmlWriter& integer(std::string_view name, std::int64_t value);
  XmlWriter& decimal(std::string_view name, double value);  // shortest text that reads back the same
  XmlWriter& boolean(std::string_view name, bool value);
  // Only when set.
  XmlWriter& optional_leaf(std::string_view name, const std::optional<std::string>& text);
  XmlWriter& optional_integer(std::string_view name, const std::optional<std::int64_t>& value);
  XmlWriter& optional_boolean(std::string_view name, const std::optional<bool>& value);
  XmlWriter& close();
  // Closes what is still open and returns the document.
  std::string finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace rg::aws
