#pragma once
// The documents of a YAML text, built by yaml-cpp but with bounds that YAML::LoadAll lacks.
//
// yaml-cpp 0.7 (as Debian 12 ships it) loops for ever in LoadAll on a `,` outside a flow
// collection (a file holding just `,`, or `[a],`): the parser cannot start a node at that token,
// returns an empty document without consuming it, and LoadAll asks again at the same token,
// keeping every empty document (gigabytes within seconds). So the text is first run through the
// parser's events alone: a document that starts where the previous one started means the parser
// is stuck, and is reported at that token. The same pass bounds what aliases expand to, since the
// configuration readers walk an aliased value once per alias ("billion laughs"). Only a text that
// passes is built into nodes, where LoadAll then ends as the first pass did.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace rg {

struct YamlLimits {
  // A configuration of 80,000 services is 1.5 MB; yaml-cpp's nodes take tens of times the text.
  std::size_t max_bytes = std::size_t{8} << 20;
  std::size_t max_alias_values = 1'000'000;       // values reached through aliases, repeats counted
};

// What stopped the load, and where (a null mark for the size of the whole text).
struct YamlProblem {
  YAML::Mark mark;
  std::string message;  // "invalid YAML: unexpected `,` ..."
};

// Every document of `text`, empty ones included.
std::expected<std::vector<YAML::Node>, YamlProblem> load_yaml_documents(std::string_view text,
                                                                        const YamlLimits& limits = {});

}  // namespace rg
