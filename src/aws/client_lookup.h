#pragma once
// The AWS client of one service in one region, or why there is none (no credentials, a bad
// endpoint setting). Plans and jobs take a lookup so that they need not know where clients come
// from (the daemon's shared session, the CLI's own, a test's); the clients stay owned by whoever
// made the lookup, for as long as the plan or job runs.
#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "aws/aws_client.h"

namespace rg::aws {

using ClientLookup =
    std::function<std::expected<AwsClient*, std::string>(std::string_view service, const std::string& region)>;

}  // namespace rg::aws
