#pragma once
// The Route 53 record that sends traffic to a region: the control-plane traffic step.
#include <cstdint>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

struct RecordTarget {
  std::string zone_id;
  std::string name;  // with or without the final dot, any case (Route 53 lists names in lower case)
  std::string type;
  std::int64_t ttl = 60;
  std::string value;
};
// Points `name` at `value` as a compare-and-swap (issue 15, section 1): read the record set of
// that name and type, then ONE change batch that DELETEs it exactly as read (name, type, TTL,
// values) and CREATEs the new one; CREATE alone when there was none. Route 53 refuses the whole
// batch (InvalidChangeBatch) when the record changed in between, and the action then fails with
// "the record changed since it was read: ..." instead of overwriting someone else's change (no
// retry: the client does not retry InvalidChangeBatch, and neither does the step). After any
// error the record is read again: if it points at `value`, the change took effect (a lost answer)
// and the action succeeds with a note (section 4). A record that points at `value` already is left
// as it is (a resumed plan). moto does not refuse a DELETE whose values differ: it deletes by name
// and type (tests/unit/act/route53_record_step_test.cpp covers the refusal).
// Verify: GetChange until INSYNC (polling through throttling and 5xx); without a change id, until
// the record reads `value`.
// Undo: the same compare-and-swap back to the record kept before the change (DELETE alone when
// there was none), from the record as it is now, which must still be the plan's; a record someone
// changed since is left as it is and the undo fails saying so.
PlanStep route53_record_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RecordTarget target,
                             WaitOptions wait);

// Readiness: the record sets the zone holds at the target's name leave room for the target's type.
// A CNAME cannot share its name with another type, so a plan writing A where a CNAME is (or a
// CNAME where an A is) would fail at Route 53 in the middle of an outage, or add a second record
// set; it is not ready, and says which type the name has now.
ReadinessCheck route53_record_type_check(aws::AwsClient& client, RecordTarget target);

}  // namespace rg::act
