// Where a draining edge sends new clients: another edge of its pool, never itself.
#include "admin/drain.hpp"

#include <gtest/gtest.h>

#include "config/finalize.hpp"
#include "config/loader.hpp"

namespace avedge::admin {
namespace {

config::Config load(const std::string& edges) {
  const std::string text =
      "[[edge_pool]]\nname = \"P1\"\npublic_fqdn = \"av1.contoso.com\"\nturn_udp_port = 3479\n"
      "turn_tcp_port = 443\nedges = [" +
      edges +
      "]\nsecrets = [{ id = \"k1\", value = \"0123456789abcdef0123\" }]\n"
      "[edge]\npool = \"P1\"\nlisten = [\"udp://127.0.0.44:3478\"]\n";
  config::LoadResult r = config::load_string(text, "t.toml");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  EXPECT_TRUE(config::finalize(r.config).empty());
  return r.config;
}

TEST(DrainTarget, AnotherEdgeOfThePoolAtThePoolPorts) {
  const auto cfg = load(
      "{ name = \"me\", public_ip = \"127.0.0.44\" }, { name = \"e2\", public_ip = \"192.0.2.5\" "
      "}");
  const auto t = drain_target(cfg, cfg.listeners);
  ASSERT_TRUE(t.udp && t.stream);
  EXPECT_EQ(t.udp->to_string(), "192.0.2.5:3479");
  EXPECT_EQ(t.stream->to_string(), "192.0.2.5:443");
}

TEST(DrainTarget, OnlyItselfMeansNone) {
  const auto cfg = load("{ name = \"me\", public_ip = \"127.0.0.44\" }");
  const auto t = drain_target(cfg, cfg.listeners);
  EXPECT_FALSE(t.udp);
  EXPECT_FALSE(t.stream);
}

}  // namespace
}  // namespace avedge::admin
