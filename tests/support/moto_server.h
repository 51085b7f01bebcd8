#pragma once

// Moved to src/lab/ (issue 18: `regionguard lab --route53` runs moto_server too); the tests keep
// naming it rg::test::..., and this header keeps their includes working.
#include "lab/moto_server.h"

namespace rg::test {
using namespace ::rg::lab;  // NOLINT(google-build-using-namespace): the fixtures' old namespace
}  // namespace rg::test
