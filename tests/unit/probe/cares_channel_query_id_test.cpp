// Queries leave with unpredictable, varying DNS IDs: a fixed ID on a long-lived socket lets an
// off-path attacker forge answers, and c-ares 1.18 sends whatever ID the packet holds.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <set>

#include "probe/cares_channel.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

TEST(CaresChannelQueryIds, EveryQueryCarriesItsOwnId) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket server(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  CaresChannel channel(io, CaresChannelOptions{{NetworkAddress{"127.0.0.1", server.local_endpoint().port()}}, 2000ms});
  for (int i = 0; i < 8; ++i) channel.query("q" + std::to_string(i) + ".example.test", 1, [](int, auto) {});
  std::set<unsigned> ids;
  std::array<unsigned char, 512> buffer{};
  boost::asio::ip::udp::endpoint from;
  std::function<void()> receive = [&] {
    server.async_receive_from(boost::asio::buffer(buffer), from, [&](boost::system::error_code ec, std::size_t n) {
      if (ec || n < 2) return;
      ids.insert(static_cast<unsigned>(buffer[0] << 8 | buffer[1]));
      if (ids.size() < 8) receive();
    });
  };
  receive();
  io.run_for(1s);
  // Eight random 16-bit IDs collide rarely; all eight equal (the old fixed 0) never passes.
  EXPECT_GE(ids.size(), 6u);
}

}  // namespace
}  // namespace rg
