#include "act/failover/dns_answer_check.h"

#include <algorithm>
#include <memory>

#include "dns/message_writer.h"
#include "dns/rcode.h"
#include "dns/record_type.h"

namespace rg::act {
namespace {

// What the resolvers said in one look, gathered as their answers come in.
struct Round {
  std::size_t pending = 0;
  bool all_contain = true;
  std::string seen;
  PollCallback look;
};

void look_once(boost::asio::any_io_executor executor, const DnsAnswerTarget& target, PollCallback look) {
  if (target.resolvers.empty()) return look(std::unexpected("no resolvers configured"));
  auto round = std::make_shared<Round>();
  round->pending = target.resolvers.size();
  round->look = std::move(look);
  const std::string wanted = dns::normalize_value(target.type, target.value);
  for (const auto& resolver : target.resolvers) {
    dns::query(executor, resolver, target.name, target.type, true, target.query_timeout,
               [round, resolver, wanted, target](std::expected<dns::Message, std::string> answer) {
                 std::string said;
                 bool contains = false;
                 if (!answer) {
                   said = answer.error();
                 } else if (answer->rcode != 0) {
                   said = dns::rcode_name(answer->rcode);
                 } else {
                   const auto values = dns::values_of(*answer, target.name, target.type);
                   contains = std::ranges::find(values, wanted) != values.end();
                   std::string list;
                   for (const auto& v : values) list += (list.empty() ? "" : " ") + v;
                   said = list.empty() ? "no " + dns::record_type_name(target.type) + " records" : list;
                 }
                 round->all_contain = round->all_contain && contains;
                 round->seen += (round->seen.empty() ? "" : "; ") + resolver.to_string() + ": " + said;
                 if (--round->pending == 0) round->look(PollResult{round->all_contain, round->seen});
               });
  }
}

}  // namespace

StepFunction dns_answer_check(boost::asio::any_io_executor executor, DnsAnswerTarget target) {
  return [executor, target](StepCallback done) {
    if (!executor) return done(std::unexpected("no event loop for DNS was given to the plan (PlanContext::dns_executor)"));
    look_once(executor, target, [target, done](std::expected<PollResult, std::string> result) {
      if (!result) return done(std::unexpected(result.error()));
      if (!result->done) return done(std::unexpected(target.name + " does not resolve to " + target.value + " (" +
                                                     result->seen + ")"));
      done(result->seen);
    });
  };
}

PlanStep verify_dns_step(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, DnsAnswerTarget target,
                         WaitOptions wait) {
  PlanStep step;
  step.name = "verify " + target.name + " resolves to " + target.value;
  std::string resolvers;
  for (const auto& r : target.resolvers) resolvers += (resolvers.empty() ? "" : ", ") + r.to_string();
  step.description = "query " + resolvers + " for " + dns::record_type_name(target.type) + " " + target.name +
                     " until the answer contains " + target.value + " (changes nothing)";
  step.action = [](StepCallback done) { done(""); };  // the verification is the step
  step.verify = [executor, &scheduler, target, wait](StepCallback done) {
    if (!executor) return done(std::unexpected("no event loop for DNS was given to the plan (PlanContext::dns_executor)"));
    wait_until(scheduler, wait, target.name + " resolves to " + target.value,
               [executor, target](PollCallback look) { look_once(executor, target, std::move(look)); },
               std::move(done));
  };
  return step;
}

}  // namespace rg::act
