#include "lab/dns_fault.h"

namespace rg::lab {

std::string_view to_string(DnsFault fault) {
  switch (fault) {
    case DnsFault::none:
      return "none";
    case DnsFault::delay:
      return "delay";
    case DnsFault::drop:
      return "drop";
    case DnsFault::servfail:
      return "servfail";
    case DnsFault::nxdomain:
      return "nxdomain";
    case DnsFault::nodata:
      return "nodata";
    case DnsFault::refused:
      return "refused";
    case DnsFault::truncate:
      return "truncate";
    case DnsFault::malformed:
      return "malformed";
    case DnsFault::loss:
      return "loss";
  }
  return "unknown";
}

namespace dns {

namespace {

// Header and first question of the query, turned into a response header with these extra
// flags, RCODE and answer count (the other counts are zero).
Bytes answer_skeleton(std::span<const std::uint8_t> query, const QueryView& view, std::uint16_t extra_flags,
                      std::uint8_t rcode, std::uint16_t ancount) {
  Bytes out(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(view.question_end));
  const std::uint16_t flags = static_cast<std::uint16_t>(flag_qr | (view.header.flags & (mask_opcode | flag_rd)) |
                                                         flag_ra | extra_flags | (rcode & mask_rcode));
  const std::uint16_t words[] = {flags, 1, ancount, 0, 0};  // flags, QD, AN, NS, AR
  for (std::size_t i = 0; i < 5; ++i) {
    out[2 + 2 * i] = static_cast<std::uint8_t>(words[i] >> 8);
    out[3 + 2 * i] = static_cast<std::uint8_t>(words[i] & 0xff);
  }
  return out;
}

}  // namespace

std::optional<Bytes> made_up_answer(DnsFault fault, bool over_udp, std::span<const std::uint8_t> query,
                                    const QueryView& view) {
  switch (fault) {
    case DnsFault::servfail:
      return make_error_answer(query, view, rcode_servfail);
    case DnsFault::nxdomain:
      return make_error_answer(query, view, rcode_nxdomain);
    case DnsFault::refused:
      return make_error_answer(query, view, rcode_refused);
    case DnsFault::malformed:
      return make_malformed_answer(query, view);
    case DnsFault::truncate:
      if (over_udp) {
        return make_truncated_answer(query, view);
      }
      return std::nullopt;  // over TCP the client gets the real answer
    case DnsFault::none:
    case DnsFault::delay:
    case DnsFault::drop:
    case DnsFault::nodata:
    case DnsFault::loss:
      return std::nullopt;
  }
  return std::nullopt;
}

Bytes make_error_answer(std::span<const std::uint8_t> query, const QueryView& view, std::uint8_t rcode) {
  return answer_skeleton(query, view, 0, rcode, 0);
}

Bytes make_truncated_answer(std::span<const std::uint8_t> query, const QueryView& view) {
  return answer_skeleton(query, view, flag_tc, rcode_noerror, 0);
}

Bytes make_malformed_answer(std::span<const std::uint8_t> query, const QueryView& view) {
  Bytes out = answer_skeleton(query, view, flag_aa, rcode_noerror, 1);
  // Owner: a pointer to the question name (offset 12). Then 3 of the 10 bytes of TYPE,
  // CLASS, TTL and RDLENGTH, and the message ends.
  const std::uint8_t cut_off_record[] = {0xc0, 0x0c, 0x00, 0x01, 0x00};
  out.insert(out.end(), std::begin(cut_off_record), std::end(cut_off_record));
  return out;
}

Bytes make_nodata_probe(std::span<const std::uint8_t> query, const QueryView& view) {
  Bytes probe(query.begin(), query.end());
  // QTYPE is the 4 bytes before the end of the question, then QCLASS.
  probe[view.question_end - 4] = static_cast<std::uint8_t>(nodata_probe_type >> 8);
  probe[view.question_end - 3] = static_cast<std::uint8_t>(nodata_probe_type & 0xff);
  return probe;
}

std::optional<Bytes> make_nodata_answer(std::span<const std::uint8_t> probe_answer, std::uint16_t original_type) {
  auto message = parse_message(probe_answer);
  if (!message || message->questions.size() != 1) {
    return std::nullopt;
  }
  // The message is written again without compression, so the records that stay cannot point
  // into the removed ones.
  message->questions[0].type = original_type;
  message->answers.clear();
  message->header.flags = static_cast<std::uint16_t>(message->header.flags & ~mask_rcode);
  return serialize(*message);
}

Bytes make_nodata_answer(std::span<const std::uint8_t> query, const QueryView& view) {
  return answer_skeleton(query, view, flag_aa, rcode_noerror, 0);
}

}  // namespace dns
}  // namespace rg::lab
