// [admin] and --admin: the listen address (or off), the token, and the metrics contract's rule
// that a non-loopback admin listener without a token is a configuration error at its file:line.
#include <gtest/gtest.h>

#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "config/overrides.hpp"

namespace avedge::config {
namespace {

const std::string kEdge =
    "[edge]\nlisten = [\"udp://127.0.0.1:3478\"]\n[auth]\nusers = [\"alice:secret\"]\n";

Errors load_and_finalize(const std::string& admin, Config* out = nullptr) {
  LoadResult r = load_string(kEdge + admin, "avedge.toml");
  if (!r.ok()) return r.errors;
  Errors e = finalize(r.config);
  if (out != nullptr) *out = std::move(r.config);
  return e;
}

TEST(AdminConfig, DefaultIsLoopback9090WithoutToken) {
  Config c;
  ASSERT_TRUE(load_and_finalize("", &c).empty());
  ASSERT_TRUE(c.admin.listen.value.has_value());
  EXPECT_EQ(c.admin.listen.value->to_string(), "127.0.0.1:9090");
  EXPECT_FALSE(c.admin.explicit_listen());
  EXPECT_FALSE(c.admin.requires_token());
}

TEST(AdminConfig, NonLoopbackWithoutTokenIsAnErrorAtTheListenLine) {
  const Errors e = load_and_finalize("[admin]\nlisten = \"0.0.0.0:9090\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].where.to_string(), "avedge.toml:6");
  EXPECT_NE(e[0].cause.find("not a loopback address and no token"), std::string::npos);
  EXPECT_NE(e[0].fix.find("token"), std::string::npos);
}

TEST(AdminConfig, NonLoopbackWithTokenIsAccepted) {
  Config c;
  ASSERT_TRUE(
      load_and_finalize("[admin]\nlisten = \"192.0.2.7:9090\"\ntoken = \"0123456789abcdef0\"\n", &c)
          .empty());
  EXPECT_TRUE(c.admin.requires_token());
  EXPECT_TRUE(c.admin.explicit_listen());
  EXPECT_EQ(c.admin.token.value, "0123456789abcdef0");
}

TEST(AdminConfig, Ipv6LoopbackNeedsNoToken) {
  Config c;
  ASSERT_TRUE(load_and_finalize("[admin]\nlisten = \"[::1]:9091\"\n", &c).empty());
  EXPECT_FALSE(c.admin.requires_token());
}

TEST(AdminConfig, OffDisablesIt) {
  Config c;
  ASSERT_TRUE(load_and_finalize("[admin]\nlisten = \"off\"\n", &c).empty());
  EXPECT_FALSE(c.admin.listen.value.has_value());
}

TEST(AdminConfig, ShortTokenIsRefusedWithoutEchoingIt) {
  const Errors e = load_and_finalize("[admin]\ntoken = \"tiny-tok\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].where.to_string(), "avedge.toml:6");
  EXPECT_EQ(e[0].to_string().find("tiny-tok"), std::string::npos);
}

TEST(AdminConfig, BadListenNamesTheLine) {
  const Errors e = load_and_finalize("[admin]\nlisten = \"localhost\"\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].where.to_string(), "avedge.toml:6");
}

TEST(AdminConfig, FlagOverridesAndTheRuleAppliesToIt) {
  Config c;
  ASSERT_TRUE(load_and_finalize("", &c).empty());
  Overrides o;
  o.admin = "0.0.0.0:19090";
  ASSERT_TRUE(apply_overrides(o, c).empty());
  EXPECT_TRUE(c.admin.explicit_listen());
  const Errors e = finalize(c);
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].where.to_string(), "--admin");
  o.admin = "off";
  ASSERT_TRUE(apply_overrides(o, c).empty());
  EXPECT_FALSE(c.admin.listen.value.has_value());
  o.admin = "nonsense";
  EXPECT_EQ(apply_overrides(o, c).size(), 1U);
}

}  // namespace
}  // namespace avedge::config
