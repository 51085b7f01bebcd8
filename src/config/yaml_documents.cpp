#include "config/yaml_documents.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <unordered_map>
#include <utility>

namespace rg {
namespace {

// Thrown by the event pass to stop the parser where the problem is.
struct Stop {
  YamlProblem problem;
};

// "unexpected `,` ...": the character at the mark, when the mark is a byte of the text.
std::string unexpected_at(std::string_view text, const YAML::Mark& mark) {
  const auto pos = static_cast<std::size_t>(mark.pos);
  if (mark.pos < 0 || pos >= text.size() || text[pos] < '!' || text[pos] > '~') {
    return "invalid YAML: unexpected content that starts no value";
  }
  std::string message = "invalid YAML: unexpected `" + std::string(1, text[pos]) + "`";
  if (text[pos] == ',') message += " (commas separate items only inside [ ] or { })";
  return message;
}

// The first pass: sees every event, builds nothing. Counts, per document, the values each anchor
// holds (aliases inside it expanded), and adds them up at every alias.
class DocumentScan : public YAML::EventHandler {
 public:
  DocumentScan(std::string_view text, const YamlLimits& limits) : text_(text), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos == last_start_.pos) throw Stop{{mark, unexpected_at(text_, mark)}};
    started_ = true;
    last_start_ = mark;
    anchor_values_.clear();  // anchors are numbered per document
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchor_values_.find(anchor);
    const std::size_t values = found == anchor_values_.end() ? 1 : found->second;  // one still open: itself
    values_ += values;
    alias_values_ += values;
    if (alias_values_ > limits_.max_alias_values) {
      throw Stop{{mark, "aliases repeat more than " + std::to_string(limits_.max_alias_values) +
                            " values; write the values out or use fewer aliases"}};
    }
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void leaf(YAML::anchor_t anchor) {
    ++values_;
    if (anchor != YAML::NullAnchor) anchor_values_[anchor] = 1;
  }
  void open(YAML::anchor_t anchor) { open_.emplace_back(anchor, values_++); }
  void close() {
    const auto [anchor, first] = open_.back();
    open_.pop_back();
    if (anchor != YAML::NullAnchor) anchor_values_[anchor] = values_ - first;
  }

  std::string_view text_;
  const YamlLimits& limits_;
  bool started_ = false;
  YAML::Mark last_start_;
  std::size_t values_ = 0;
  std::size_t alias_values_ = 0;
  std::vector<std::pair<YAML::anchor_t, std::size_t>> open_;  // collections open: anchor, values_ at start
  std::unordered_map<YAML::anchor_t, std::size_t> anchor_values_;
};

}  // namespace

std::expected<std::vector<YAML::Node>, YamlProblem> load_yaml_documents(std::string_view text,
                                                                        const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return std::unexpected(YamlProblem{YAML::Mark::null_mark(), "the file is " + std::to_string(text.size()) +
                                                                    " bytes; at most " +
                                                                    std::to_string(limits.max_bytes) + " are read"});
  }
  const std::string copy(text);
  try {
    std::istringstream stream(copy);
    YAML::Parser parser(stream);
    DocumentScan scan(text, limits);
    while (parser.HandleNextDocument(scan)) {
    }
    return YAML::LoadAll(copy);  // ends: the scan above went through the same documents
  } catch (const Stop& stop) {
    return std::unexpected(stop.problem);
  } catch (const YAML::Exception& error) {
    return std::unexpected(YamlProblem{error.mark, "invalid YAML: " + error.msg});
  }
}

}  // namespace rg
