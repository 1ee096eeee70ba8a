// Shared by the probe's unit tests: a configuration from TOML text, named avedge.toml.
#pragma once

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace avedge::probe::test {

inline config::Config load_config(const char* toml) {
  auto r = config::load_string(toml, "avedge.toml", ".");
  EXPECT_TRUE(r.ok());
  return std::move(r.config);
}

}  // namespace avedge::probe::test
