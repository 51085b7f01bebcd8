#include <exception>
#include <iostream>

#include "app/cli.h"

int main(int argc, char** argv) {
  try {
    return rg::run_cli(argc, argv);
  } catch (const std::exception& e) {
    // Only the unexpected gets here: expected failures are results or error codes.
    std::cerr << "regionguard: fatal: " << e.what() << "\n";
    return 4;
  }
}
