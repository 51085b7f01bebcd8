#pragma once
// The timestamp formats AWS uses: SigV4's basic ISO 8601 ("20150830T123600Z") and the extended
// ISO 8601 of credential expirations ("2026-11-21T07:50:25Z", "2026-11-21T07:50:25.123+00:00").
#include <expected>
#include <string>
#include <string_view>

#include "aws/aws_error.h"
#include "core/time.h"

namespace rg::aws {

// "20150830T123600Z" (UTC, whole seconds: anything finer is dropped).
std::string format_amz_date(TimePoint t);
// "20150830": the date part of the credential scope.
std::string format_scope_date(TimePoint t);
// Parses exactly "YYYYMMDDTHHMMSSZ".
std::expected<TimePoint, AwsError> parse_amz_date(std::string_view text);

// Extended ISO 8601 / RFC 3339 as STS, IMDS, ECS and credential_process write expirations:
// "YYYY-MM-DDTHH:MM:SS" + optional fraction + "Z" | "+HH:MM" | "-HH:MM" | "+HHMM". A space
// instead of 'T' and a lower-case 'z' are accepted. A time without a zone is refused: guessing
// local time for an expiry is how credentials get used after they die.
std::expected<TimePoint, AwsError> parse_iso8601(std::string_view text);

}  // namespace rg::aws
