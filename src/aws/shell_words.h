#pragma once
// Splits a command line into words the way Python's shlex.split does in POSIX mode, which is how
// botocore turns credential_process into argv (no shell is involved): whitespace separates words,
// '...' is literal, "..." allows \" and \\, a backslash outside quotes escapes the next character,
// adjacent quoted and unquoted parts join into one word, '' is an empty word.
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_error.h"

namespace rg::aws {

std::expected<std::vector<std::string>, AwsError> split_shell_words(std::string_view text);

}  // namespace rg::aws
