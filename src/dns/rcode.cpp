#include "dns/rcode.h"

#include <array>
#include <string_view>

namespace rg::dns {

std::string rcode_name(int rcode) {
  static constexpr std::array<std::string_view, 11> names{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                          "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode >= 0 && rcode < static_cast<int>(names.size())) return std::string(names[static_cast<std::size_t>(rcode)]);
  switch (rcode) {
    case 16: return "BADSIG";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
    default: return "RCODE" + std::to_string(rcode);
  }
}

}  // namespace rg::dns
