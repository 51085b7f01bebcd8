#pragma once
// `regionguard doctor`: can this configuration's AWS checks run here? Checks the credentials
// (STS GetCallerIdentity), that each AWS API endpoint the checks use answers, and that each
// configured AWS check's describe calls succeed (naming the IAM actions a refusal is about), and
// prints what is wrong in plain words. A resource that is merely unhealthy is not a problem here:
// the check runs, and `probe` shows its health.
#include <ostream>

#include "config/config.h"

namespace rg {

// Returns 0 when nothing is wrong, 1 otherwise.
int run_doctor_command(const Config& config, std::ostream& out);

}  // namespace rg
