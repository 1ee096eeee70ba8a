// Development credentials (the embedded default): a random TURN REST secret and a random static
// user, generated at each start when none is configured and printed by `avedge serve`.
#pragma once

#include "config/config.hpp"

namespace avedge::config {

struct DevCredentials {
  bool secret_generated = false;
  bool user_generated = false;
};

// Does nothing unless cfg.dev_credentials is true.
DevCredentials add_dev_credentials(Config& cfg);

}  // namespace avedge::config
