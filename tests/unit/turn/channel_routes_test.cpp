// The routes a kernel fast path is given (Io::channel_routes_changed, issue 7 item 4): what a
// UDP allocation relays by channel, and until when.
#include <gtest/gtest.h>

#include "turn_test_support.hpp"

using namespace avedge;
using namespace avedge::turn;
using namespace avedge::turn::testing;

namespace {

const Endpoint kPeer = *Endpoint::parse("8.8.8.8:6000");
const Endpoint kOtherPeer = *Endpoint::parse("8.8.4.4:7000");

struct RoutedClient {
  Harness h;
  Client c{h, udp_tuple()};
  RoutedClient() {
    h.io.wants_routes = true;
    EXPECT_EQ(error_code_of(*c.allocate()), 0);
  }
  const std::vector<ChannelRoute>& routes() { return h.io.routes[c.tuple]; }
};

}  // namespace

TEST(ChannelRoutes, ABoundChannelRunsUntilItsPermissionLapses) {
  RoutedClient t;
  EXPECT_EQ(t.h.io.route_updates, 0U) << "an allocation without channels has nothing to route";
  ASSERT_EQ(error_code_of(*t.c.channel_bind(0x4001, kPeer)), 0);
  ASSERT_EQ(t.routes().size(), 1U);
  const ChannelRoute& r = t.routes()[0];
  EXPECT_EQ(r.channel, 0x4001);
  EXPECT_EQ(r.peer, kPeer);
  EXPECT_EQ(r.relay, t.h.io.open.begin()->second);
  // RFC 8656 §9, §12: the permission (300 s) lapses before the channel (600 s).
  EXPECT_EQ(r.until, t.h.now.mono + Seconds{300});
}

TEST(ChannelRoutes, RefreshesMoveTheEndAndAShortAllocationCapsIt) {
  RoutedClient t;
  ASSERT_EQ(error_code_of(*t.c.channel_bind(0x4001, kPeer)), 0);
  t.h.advance(Seconds{200});
  ASSERT_EQ(error_code_of(*t.c.create_permission(kPeer)), 0);
  ASSERT_EQ(t.routes().size(), 1U);
  // The permission now runs to 500 s; the channel still ends at 600 s from its bind.
  EXPECT_EQ(t.routes()[0].until, t.h.now.mono + Seconds{300});
  t.h.advance(Seconds{200});
  ASSERT_EQ(error_code_of(*t.c.create_permission(kPeer)), 0);
  EXPECT_EQ(t.routes()[0].until, t.h.now.mono + Seconds{200}) << "the channel lapses first";
  ASSERT_EQ(error_code_of(*t.c.refresh(60)), 0);
  EXPECT_EQ(t.routes()[0].until, t.h.now.mono + Seconds{60}) << "the allocation lapses first";
}

TEST(ChannelRoutes, ExpiryAndDeletionWithdrawTheRoutes) {
  RoutedClient t;
  ASSERT_EQ(error_code_of(*t.c.channel_bind(0x4001, kPeer)), 0);
  ASSERT_EQ(error_code_of(*t.c.channel_bind(0x4002, kOtherPeer)), 0);
  EXPECT_EQ(t.routes().size(), 2U);
  t.h.advance(Seconds{250});
  ASSERT_EQ(error_code_of(*t.c.create_permission(kOtherPeer)), 0);
  t.h.advance(Seconds{60});
  t.h.server->on_timer(t.h.now);  // kPeer's permission (300 s) has gone, kOtherPeer's not
  ASSERT_EQ(t.routes().size(), 1U);
  EXPECT_EQ(t.routes()[0].channel, 0x4002);
  const size_t updates = t.h.io.route_updates;
  t.h.server->on_timer(t.h.now);
  EXPECT_EQ(t.h.io.route_updates, updates) << "a sweep that changes nothing publishes nothing";
  ASSERT_EQ(error_code_of(*t.c.refresh(0)), 0);
  EXPECT_TRUE(t.routes().empty()) << "a deleted allocation leaves no route behind";
}

TEST(ChannelRoutes, StreamsAndServersWithoutAFastPathPublishNothing) {
  Harness h;
  Client tcp(h, ClientTuple{Transport::Tcp, *Endpoint::parse("198.51.100.7:40001"),
                            *Endpoint::parse("192.0.2.1:3478"), 7});
  h.io.wants_routes = true;
  ASSERT_EQ(error_code_of(*tcp.allocate()), 0);
  ASSERT_EQ(error_code_of(*tcp.channel_bind(0x4001, kPeer)), 0);
  EXPECT_EQ(h.io.route_updates, 0U) << "ChannelData over a stream is framed: never the fast path";
  h.io.wants_routes = false;
  Client udp(h, udp_tuple());
  ASSERT_EQ(error_code_of(*udp.allocate()), 0);
  ASSERT_EQ(error_code_of(*udp.channel_bind(0x4001, kPeer)), 0);
  EXPECT_EQ(h.io.route_updates, 0U);
}

TEST(ChannelRoutes, WhatTheKernelRelayedOnAGivenUpRouteCountsForTheAllocation) {
  RoutedClient t;
  ASSERT_EQ(error_code_of(*t.c.channel_bind(0x4001, kPeer)), 0);
  // The next change reports what the kernel relayed on the routes it rewrote or took away.
  t.h.io.kernel_relayed.packets = {3, 2};
  t.h.io.kernel_relayed.bytes = {300, 200};
  ASSERT_EQ(error_code_of(*t.c.create_permission(kPeer)), 0);
  t.h.io.kernel_relayed = {};
  const auto list = t.h.server->allocations(t.h.now);
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].packets[static_cast<size_t>(Direction::ToPeer)], 3U);
  EXPECT_EQ(list[0].packets[static_cast<size_t>(Direction::ToClient)], 2U);
  EXPECT_EQ(list[0].bytes[static_cast<size_t>(Direction::ToPeer)], 300U);
  EXPECT_EQ(list[0].bytes[static_cast<size_t>(Direction::ToClient)], 200U);
  EXPECT_EQ(t.h.server->stats().relayed_packets[0].load(), 0U)
      << "the edge's relayed counters are the userspace relay's; the kernel has its own";
}
