#pragma once
// Everything that can go wrong in the AWS client layer, as a value. Functions between modules
// return std::expected<T, AwsError>; nothing here throws across a module boundary.
#include <string>
#include <string_view>

namespace rg::aws {

struct HttpResponse;

enum class AwsErrorKind {
  invalid_argument,    // the caller passed something unusable: a malformed URL, an empty region
  invalid_config,      // environment or shared config is inconsistent or malformed
  no_credentials,      // the credential chain found no source at all
  credential_process,  // credential_process could not run, failed, or printed something unusable
  io,                  // a local file (token file, config file) could not be read
  bad_response,        // an answer that does not parse or lacks required fields
  service_error,       // AWS answered with an error document: code and message are filled
  transport,           // no answer at all (reported by the HTTP transport)
  timeout,             // no complete answer in time: an attempt's timeout or the call's deadline
  crypto,              // OpenSSL refused a digest or MAC
  fenced,              // not sent: this process no longer has the right to change AWS (cluster leadership lost)
};

std::string_view to_string(AwsErrorKind kind);

struct AwsError {
  AwsErrorKind kind = AwsErrorKind::invalid_argument;
  std::string message;     // complete sentence for a log line; never contains secrets
  std::string code;        // service error code ("AccessDenied", "ExpiredToken"); empty otherwise
  int http_status = 0;     // with service_error and bad_response, when known
  std::string request_id;  // x-amzn-RequestId or <RequestId>, when known
  int attempts = 0;        // attempts the AwsClient made before giving up; 0 outside a client call

  // "service_error: AccessDenied (HTTP 403): User ... is not authorized [request 1234]".
  std::string to_string() const;
  friend bool operator==(const AwsError&, const AwsError&) = default;
};

AwsError make_error(AwsErrorKind kind, std::string message);

// Reads the error document of a non-2xx AWS answer. Understands the shapes the services we call
// send (and moto imitates):
//   Query / REST-XML: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
//   EC2:              <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
//   S3 / bare:        <Error><Code/><Message/><RequestId/></Error>
//   Route 53:         <InvalidChangeBatch><Messages><Message/>...</Messages><RequestId/></InvalidChangeBatch>
//                     (a refused change batch; code InvalidChangeBatch, the messages joined by "; ")
//   JSON 1.0/1.1:     {"__type": "ns#Code", "message"|"Message": ...}, also {"code": ...}
//                     and the x-amzn-ErrorType header; with the awsQueryCompatible trait
//                     (CloudWatch over JSON) the x-amzn-query-error header "Code;Sender" wins.
// Anything else gives code "" and a message with the start of the body; an HTML page (a proxy's
// or moto's crash page) is named as such, with its <title>. Always returns kind service_error with
// http_status set.
AwsError parse_service_error(const HttpResponse& response);

}  // namespace rg::aws
