#include "act/failover/dns_update_step.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>

#include "dns/rcode.h"
#include "dns/record_type.h"

namespace rg::act {
namespace {

struct Served {
  std::vector<std::string> values;  // sorted, normalized
  std::uint32_t ttl = 0;
};

std::uint64_t epoch_seconds(aws::AwsScheduler& scheduler) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(scheduler.wall_now().time_since_epoch()).count());
}

std::string join(const std::vector<std::string>& values) {
  if (values.empty()) return "nothing";
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// The record set as the server itself has it: an authoritative answer, never a cache's.
void read_rrset(boost::asio::any_io_executor executor, const DnsUpdateTarget& target,
                std::function<void(std::expected<Served, std::string>)> done) {
  dns::query(executor, target.server, target.name, target.type, false, target.query_timeout,
             [target, done = std::move(done)](const std::expected<dns::Message, std::string>& answer) {
               if (!answer) return done(std::unexpected(answer.error()));
               if (!answer->authoritative())
                 return done(std::unexpected(target.server.to_string() + " is not authoritative for " + target.name +
                                             " (" + dns::rcode_name(answer->rcode) + " without AA)"));
               // NXDOMAIN: the name does not exist yet, an empty record set.
               if (answer->rcode != 0 && answer->rcode != 3)
                 return done(std::unexpected(target.server.to_string() + " answered " +
                                             dns::rcode_name(answer->rcode) + " for " + target.name));
               Served served;
               served.values = dns::values_of(*answer, target.name, target.type);
               std::ranges::sort(served.values);
               const auto owner = dns::canonical_name(target.name);
               for (const auto& record : answer->answers)
                 if (record.name == owner && record.type == target.type) served.ttl = record.ttl;
               done(std::move(served));
             });
}

void send_update(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, const DnsUpdateTarget& target,
                 dns::RecordSet records, StepCallback done) {
  static std::mt19937 ids{std::random_device{}()};
  const auto id = static_cast<std::uint16_t>(ids());
  auto message = dns::build_update(id, target.zone, records);
  if (!message) return done(std::unexpected(message.error()));
  auto signed_message = dns::tsig_sign(std::move(*message), target.key, epoch_seconds(scheduler));
  if (!signed_message) return done(std::unexpected(signed_message.error()));
  dns::exchange(executor, target.server, std::move(signed_message->message), target.query_timeout,
                [&scheduler, id, key = target.key, mac = signed_message->mac, server = target.server,
                 done = std::move(done)](std::expected<dns::Bytes, std::string> answer) {
                  if (!answer) return done(std::unexpected(answer.error()));
                  auto checked = dns::check_update_answer(*answer, id, key, mac, epoch_seconds(scheduler));
                  if (!checked) return done(std::unexpected(server.to_string() + ": " + checked.error()));
                  done("UPDATE accepted by " + server.to_string());
                });
}

// Polls the server until it serves exactly `values`.
void wait_served(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, const DnsUpdateTarget& target,
                 std::vector<std::string> values, WaitOptions wait, StepCallback done) {
  std::ranges::sort(values);
  const std::string what = target.name + " " + dns::record_type_name(target.type) + " served as " + join(values);
  wait_until(scheduler, wait, what,
             [executor, target, values](PollCallback look) {
               read_rrset(executor, target, [values, look](std::expected<Served, std::string> served) {
                 if (!served) return look(std::unexpected(served.error()));
                 look(PollResult{served->values == values, "serves " + join(served->values)});
               });
             },
             std::move(done));
}

}  // namespace

PlanStep dns_update_step(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, DnsUpdateTarget target,
                         WaitOptions wait) {
  auto memory = std::make_shared<UndoMemory>();
  target.name = dns::canonical_name(target.name);
  target.value = dns::normalize_value(target.type, target.value);
  PlanStep step;
  step.memory = memory;
  step.name = "point " + target.name + " at " + target.value;
  step.description = "RFC 2136 UPDATE (TSIG " + target.key.name + ") to " + target.server.to_string() + ": " +
                     dns::record_type_name(target.type) + " " + target.name + " " + target.value + ", wait until served";
  const auto no_loop = [](StepCallback done) {
    done(std::unexpected("no event loop for DNS was given to the plan (PlanContext::dns_executor)"));
  };
  if (!executor) {
    step.action = no_loop;
    step.verify = no_loop;
    step.undo = [](StepCallback done) { done("nothing was changed"); };
    return step;
  }
  step.action = [executor, &scheduler, target, memory](StepCallback done) {
    read_rrset(executor, target, [executor, &scheduler, target, memory, done](std::expected<Served, std::string> served) {
      if (!served) return done(std::unexpected("reading the record set before changing it: " + served.error()));
      if (auto kept = memory->remember({{"values", served->values}, {"ttl", served->ttl}}); !kept)
        return done(std::unexpected(kept.error()));
      send_update(executor, scheduler, target, {target.name, target.type, target.ttl, {target.value}}, done);
    });
  };
  step.verify = [executor, &scheduler, target, wait](StepCallback done) {
    wait_served(executor, scheduler, target, {target.value}, wait, std::move(done));
  };
  step.undo = [executor, &scheduler, target, memory, wait](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    Served previous{memory->state()->at("values").get<std::vector<std::string>>(),
                    memory->state()->at("ttl").get<std::uint32_t>()};
    dns::RecordSet records{target.name, target.type, previous.values.empty() ? target.ttl : previous.ttl,
                           previous.values};
    send_update(executor, scheduler, target, records,
                [executor, &scheduler, target, values = previous.values, wait, done](StepResult sent) {
                  if (!sent) return done(sent);
                  wait_served(executor, scheduler, target, values, wait, done);
                });
  };
  return step;
}

}  // namespace rg::act
