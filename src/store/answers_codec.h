#pragma once
// DNS answers as the JSON text stored in the `answers` column (every backend uses the same text):
//   [{"type":"A","data":"192.0.2.1","ttl":60}, ...]
// A field that is not valid UTF-8 (a TXT record can hold any bytes) cannot be a JSON string, so it
// is stored hex-encoded under "<field>_hex" instead ("data_hex":"ff00"); decoding restores the
// exact bytes. Neither function throws.
#include <string>
#include <string_view>
#include <vector>

#include "core/probe_result.h"
#include "store/store.h"

namespace rg {

StoreResult<std::string> encode_answers(const std::vector<DnsAnswer>& answers);
StoreResult<std::vector<DnsAnswer>> decode_answers(std::string_view json_text);

bool is_valid_utf8(std::string_view text);

}  // namespace rg
