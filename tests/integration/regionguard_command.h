#pragma once
// Runs the regionguard binary (RG_BINARY) as an operator would from a shell, and keeps stdout and
// stderr apart: what a pipe receives and what the operator reads are checked separately.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace rg::test {

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// stderr goes through a file in `dir` (stderr.txt, overwritten by each call).
inline CommandOutput regionguard(const std::vector<std::string>& args, const TempDir& dir) {
  std::string command = shell_quote(RG_BINARY);
  for (const auto& a : args) command += " " + shell_quote(a);
  const auto err_file = dir.path() / "stderr.txt";
  command += " 2>" + shell_quote(err_file.string());
  CommandOutput output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.out.append(buffer, n);
  const int status = pclose(pipe);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream err(err_file);
  output.err.assign(std::istreambuf_iterator<char>(err), {});
  return output;
}

}  // namespace rg::test
