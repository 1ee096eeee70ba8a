#include "config/default_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/dev_credentials.hpp"
#include "config/finalize.hpp"
#include "config/loader.hpp"

namespace avedge::config {
namespace {

TEST(DefaultConfig, EmbeddedIsIdenticalToConfigDefaultToml) {
  std::ifstream in(std::string(AVEDGE_SOURCE_DIR) + "/config/default.toml", std::ios::binary);
  ASSERT_TRUE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(embedded_default_toml(), ss.str())
      << "src/config/default_config.cpp is out of date: paste config/default.toml into it";
}

TEST(DefaultConfig, EmbeddedLoadsAndFinalizes) {
  LoadResult r = load_embedded_default();
  ASSERT_TRUE(r.ok());
  const DevCredentials dev = add_dev_credentials(r.config);
  EXPECT_TRUE(dev.secret_generated);
  EXPECT_TRUE(dev.user_generated);
  ASSERT_EQ(r.config.secrets.size(), 1U);
  EXPECT_EQ(r.config.secrets[0].value.size(), 64U);
  ASSERT_EQ(r.config.users.size(), 1U);
  EXPECT_EQ(r.config.users[0].name, "dev");
  EXPECT_TRUE(finalize(r.config).empty());
  ASSERT_EQ(r.config.relay_ips.size(), 1U);
  EXPECT_EQ(r.config.relay_ips[0].value.to_string(), "127.0.0.1");

  // A second start gets other credentials.
  LoadResult again = load_embedded_default();
  add_dev_credentials(again.config);
  EXPECT_NE(again.config.secrets[0].value, r.config.secrets[0].value);
}

TEST(DefaultConfig, DevCredentialsRespectConfiguredOnes) {
  LoadResult r = load_string("[auth]\ndev_credentials = true\nusers = [\"a:b\"]\n", "a.toml");
  ASSERT_TRUE(r.ok());
  const DevCredentials dev = add_dev_credentials(r.config);
  EXPECT_TRUE(dev.secret_generated);
  EXPECT_FALSE(dev.user_generated);
  EXPECT_EQ(r.config.users.size(), 1U);

  LoadResult off = load_string("[edge]\nrealm = \"x\"\n", "a.toml");
  EXPECT_FALSE(add_dev_credentials(off.config).secret_generated);
  EXPECT_TRUE(off.config.secrets.empty());
}

}  // namespace
}  // namespace avedge::config
