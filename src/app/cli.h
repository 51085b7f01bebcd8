#pragma once
// The command line: `regionguard run | probe | check-config`.
namespace rg {
int run_cli(int argc, char** argv);
}
