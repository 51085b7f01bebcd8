#include "config/plan_order_reader.h"

#include <algorithm>
#include <set>

namespace rg {
namespace {

const std::vector<std::string_view> approve_keys{"timeout"};

const PlanBlock* find_block(const std::vector<PlanBlock>& blocks, std::string_view name) {
  const auto found = std::ranges::find(blocks, name, &PlanBlock::name);
  return found == blocks.end() ? nullptr : &*found;
}

std::string stage_name(PlanStage stage) {
  switch (stage) {
    case PlanStage::capacity: return "capacity";
    case PlanStage::data: return "data";
    case PlanStage::traffic: return "traffic";
    case PlanStage::verify: return "verification";
  }
  return "";
}

class PlanOrderReader {
 public:
  PlanOrderReader(const FailoverPlanConfig& plan, ErrorList& errors)
      : blocks_(configured_blocks(plan)), errors_(errors) {
    for (const auto& block : blocks_) names_.push_back(block.name);
  }

  std::vector<PlanOrderEntry> read(const YamlValue& value) {
    std::vector<PlanOrderEntry> order;
    const auto items = read_list(value, errors_);
    if (!items) return order;
    for (const auto& item : *items) {
      if (auto entry = read_entry(item)) order.push_back(std::move(*entry));
    }
    std::vector<std::string_view> missing;
    for (const auto& block : blocks_)
      if (!seen_.contains(block.name)) missing.push_back(block.name);
    if (!missing.empty())
      errors_.add(value, "must list every step of the plan (each once); missing: " + join(missing));
    warn_about_stages(value, order);
    return order;
  }

 private:
  std::optional<PlanOrderEntry> read_entry(const YamlValue& item) {
    if (item.node.IsScalar()) {
      const auto name = read_string(item, errors_);
      if (!name) return std::nullopt;
      if (*name == "approve") return PlanOrderEntry{{}, std::chrono::milliseconds(kDefaultApprovalTimeout)};
      if (!read_block(item, *name)) return std::nullopt;
      return PlanOrderEntry{{*name}, std::nullopt};
    }
    const auto mapping = read_open_mapping(item, errors_);
    if (!mapping) return std::nullopt;
    if (mapping->entries().size() != 1 ||
        (mapping->entries().front().key != "parallel" && mapping->entries().front().key != "approve")) {
      errors_.add(item, "an entry is a step's name, `approve`, `approve: {timeout: 10m}` or `parallel: [a, b]`");
      return std::nullopt;
    }
    const auto& entry = mapping->entries().front();
    if (entry.key == "approve") return read_approve(entry.value);
    return read_parallel(entry.value);
  }

  std::optional<PlanOrderEntry> read_approve(const YamlValue& value) {
    const auto fields = read_mapping(value, approve_keys, errors_);
    if (!fields) return std::nullopt;
    PlanOrderEntry pause{{}, std::chrono::milliseconds(kDefaultApprovalTimeout)};
    if (const auto timeout = fields->get("timeout"))
      pause.approval = read_positive_duration(*timeout, errors_).value_or(*pause.approval);
    return pause;
  }

  std::optional<PlanOrderEntry> read_parallel(const YamlValue& value) {
    const auto items = read_list(value, errors_);
    if (!items) return std::nullopt;
    PlanOrderEntry group;
    for (const auto& item : *items) {
      const auto name = read_string(item, errors_);
      if (!name || !read_block(item, *name)) continue;
      const auto* block = find_block(blocks_, *name);
      if (block->irreversible) {
        // Beside a step that fails, it would have to be undone, and it cannot be.
        errors_.add(item, "`" + *name + "` cannot be undone once it took effect, so it runs alone, not in a parallel group");
        continue;
      }
      group.blocks.push_back(*name);
    }
    if (items->size() < 2) errors_.add(value, "a parallel group runs two or more steps at once");
    if (group.blocks.size() < 2) return std::nullopt;
    return group;
  }

  // A configured block not listed before; reported otherwise.
  bool read_block(const YamlValue& at, const std::string& name) {
    if (!find_block(blocks_, name)) {
      errors_.add(at, with_suggestion("`" + name + "` is not a step of this plan (it has " + join(names_) + ")", name,
                                      names_));
      return false;
    }
    if (!seen_.insert(name).second) {
      errors_.add(at, "`" + name + "` is listed twice");
      return false;
    }
    return true;
  }

  // Capacity before traffic, traffic before the verification: the other way round is allowed
  // (an operator may know better) but said.
  void warn_about_stages(const YamlValue& value, const std::vector<PlanOrderEntry>& order) {
    std::optional<std::string> traffic_seen;
    std::vector<std::string> later_traffic;
    for (const auto& entry : order)
      for (const auto& name : entry.blocks) {
        const auto* block = find_block(blocks_, name);
        if (block->stage == PlanStage::traffic && !traffic_seen) traffic_seen = name;
        if (block->stage == PlanStage::capacity && traffic_seen)
          errors_.warn(value, "`" + name + "` (" + stage_name(block->stage) + ") runs after `" + *traffic_seen +
                                  "` (traffic): clients reach " + "the target before its capacity is up");
      }
    bool verified = false;
    for (const auto& entry : order)
      for (const auto& name : entry.blocks) {
        const auto* block = find_block(blocks_, name);
        if (block->stage == PlanStage::verify) verified = true;
        if (block->stage == PlanStage::traffic && verified)
          errors_.warn(value, "`" + name + "` (traffic) runs after verify_dns, which cannot see its change");
      }
  }

  std::vector<PlanBlock> blocks_;
  std::vector<std::string_view> names_;
  std::set<std::string> seen_;
  ErrorList& errors_;
};

}  // namespace

std::vector<PlanBlock> configured_blocks(const FailoverPlanConfig& plan) {
  std::vector<PlanBlock> blocks;
  const auto add = [&](bool configured, std::string name, PlanStage stage, bool irreversible = false) {
    if (configured) blocks.push_back({std::move(name), stage, irreversible});
  };
  add(!plan.autoscaling_groups.empty(), "autoscaling_groups", PlanStage::capacity);
  add(!plan.ecs_services.empty(), "ecs_services", PlanStage::capacity);
  add(!plan.rds_replicas.empty(), "rds_replicas", PlanStage::data, true);
  // Irreversible as a failover that may lose data is; a switchover could be switched back, but
  // which one runs is known only at readiness, so it never runs in a parallel group.
  add(plan.aurora_global.has_value(), "aurora_global", PlanStage::data, true);
  add(!plan.ssm_parameters.empty(), "ssm_parameters", PlanStage::data);
  // The operator's own steps, by name: where the builder puts them without an order (after the
  // data, before the traffic); what they do is theirs to say, so no warning judges their place.
  for (const auto& step : plan.custom_steps) add(true, step.name, PlanStage::data, step.irreversible);
  add(plan.route53.has_value(), "route53", PlanStage::traffic);
  add(plan.cloudfront.has_value(), "cloudfront", PlanStage::traffic);
  add(plan.global_accelerator.has_value(), "global_accelerator", PlanStage::traffic);
  add(plan.dns_update.has_value(), "dns_update", PlanStage::traffic);
  add(plan.gate, "gate", PlanStage::traffic);
  add(plan.verify_dns.has_value(), "verify_dns", PlanStage::verify);
  return blocks;
}

std::vector<PlanOrderEntry> read_plan_order(const YamlValue& value, const FailoverPlanConfig& plan, ErrorList& errors) {
  return PlanOrderReader(plan, errors).read(value);
}

}  // namespace rg
