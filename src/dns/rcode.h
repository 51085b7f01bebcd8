#pragma once
// The names of DNS response codes (RFC 1035, RFC 2136's update codes, RFC 8945's TSIG errors),
// for the prober's failures and the failover's refusals alike.
#include <string>

namespace rg::dns {

// "NOERROR", "NOTAUTH", ... and the TSIG errors "BADSIG", "BADKEY", "BADTIME" (16-18);
// "RCODE23" for codes without a name.
std::string rcode_name(int rcode);

}  // namespace rg::dns
