#pragma once
// Left only for app/cli.cpp, which names the record-type lookup through this header and is being
// changed on another branch (issue 14). The table is dns/record_type.h; once cli.cpp includes it
// and says dns::record_type_code, delete this file.
#include "dns/record_type.h"

namespace rg {

using dns::record_type_code;

}  // namespace rg
