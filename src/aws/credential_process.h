#pragma once
// credential_process: a profile names a command whose standard output is a JSON document with
// the credentials (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html):
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//    "SessionToken": "...", "Expiration": "2026-11-21T08:00:00Z", "AccountId": "..."}
// SessionToken, Expiration and AccountId are optional. The command is split into words as
// botocore does (POSIX shlex, no shell) and run directly; it inherits the environment, stdin and
// working directory. This blocks until the command ends: run it off the event loop.
#include <chrono>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_credentials.h"
#include "aws/aws_error.h"

namespace rg::aws {

inline constexpr std::chrono::milliseconds kDefaultProcessTimeout{60'000};

struct ProcessResult {
  int exit_status = 0;    // exit code when it exited normally
  int signal = 0;         // the signal that ended it, 0 when it exited
  bool timed_out = false; // killed by us after the timeout
  std::string out;        // standard output
  std::string err;        // standard error
};

// Runs argv[0] (looked up in PATH) with the arguments; collects stdout and stderr. After the
// timeout the child is killed (SIGKILL) and reaped. Errors only when it cannot be started.
std::expected<ProcessResult, AwsError> run_process(const std::vector<std::string>& argv,
                                                   std::chrono::milliseconds timeout);

// Parses the JSON document. Errors name the problem and never echo the document (it holds
// secrets): "credential_process output is not JSON", "... has Version 2; only 1 is supported",
// "... lacks SecretAccessKey".
std::expected<AwsCredentials, AwsError> parse_credential_process_output(std::string_view json_text);

// Splits, runs and parses. A non-zero exit is an error carrying the exit status and the
// command's standard error (trimmed), as botocore reports it.
std::expected<AwsCredentials, AwsError> run_credential_process(
    std::string_view command, std::chrono::milliseconds timeout = kDefaultProcessTimeout);

}  // namespace rg::aws
