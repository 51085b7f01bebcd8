#pragma once
// The JSON of etcd 3.4's gateway, both ways, with no I/O: request bodies for each call, and the
// answers parsed into the client's values. Shared by EtcdClient and EtcdBlockingClient.
//
// What the gateway does that this code follows (checked against etcd 3.4.23 with curl, see
// /work/shared/notes/etcd.md): keys and values are base64; 64-bit numbers are JSON strings (a
// plain number is accepted too); fields holding their zero value are left out, so an absent field
// reads as 0, false or empty; an error is an HTTP 4xx/5xx whose body is
// {"error": TEXT, "code": GRPC_CODE, "message": TEXT}. A watch answers one chunked response that
// carries one {"result": {...}} object per batch of events, each followed by a newline.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/etcd_client.h"

namespace rg::cluster::json {

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; whitespace is not accepted. nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

// Request bodies.
std::string range_body(const EtcdOperation& range);
std::string put_body(const EtcdOperation& put);
std::string delete_body(const EtcdOperation& erase);
std::string txn_body(const EtcdTxn& txn);
std::string grant_body(std::chrono::seconds ttl);
std::string lease_id_body(std::int64_t lease);  // keepalive and revoke
std::string watch_body(std::string_view key, std::string_view range_end, std::int64_t start_revision);
std::string authenticate_body(std::string_view user, std::string_view password);

// Answers. `what` names the call and member for error messages ("range on http://...").
// An HTTP status other than 200 is read as the gateway's error body (EtcdError::refused with its
// gRPC code), or bad_response when the body is not one.
EtcdError error_answer(long status, std::string_view body, std::string_view what);
EtcdResult<EtcdResponse> parse_range(std::string_view body, std::string_view what);
EtcdResult<EtcdResponse> parse_put(std::string_view body, std::string_view what);
EtcdResult<EtcdResponse> parse_delete(std::string_view body, std::string_view what);
EtcdResult<EtcdResponse> parse_txn(std::string_view body, std::string_view what);
EtcdResult<EtcdLease> parse_grant(std::string_view body, std::string_view what);
EtcdResult<EtcdLease> parse_keep_alive(std::string_view body, std::string_view what);
EtcdResult<std::string> parse_authenticate(std::string_view body, std::string_view what);

// Whether an error answer means the auth token is no longer valid (re-authenticate and retry once).
bool is_invalid_token(const EtcdError& error);

// One message of a watch stream.
struct WatchMessage {
  std::int64_t revision = 0;
  std::vector<EtcdEvent> events;
  bool created = false;   // the watcher's first answer
  bool canceled = false;  // the server ended the watch (e.g. compaction): `reason` says why
  std::string reason;
};

// Splits a watch stream into its JSON objects as bytes arrive, in any chunking (objects may be
// newline-separated or simply concatenated). A malformed object ends the stream with an error.
class WatchStreamParser {
 public:
  // Appends `bytes` and returns the messages completed by them; an error once the stream cannot
  // be read (further feeds return the same error).
  EtcdResult<std::vector<WatchMessage>> feed(std::string_view bytes, std::string_view what);

 private:
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ already scanned for the current object
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  std::optional<EtcdError> failed_;
};

}  // namespace rg::cluster::json
