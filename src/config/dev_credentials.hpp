// Development credentials (the embedded default): a random TURN REST secret and a random static
// user, generated at each start when none is configured and printed by `avedge serve`; and for
// the development pool, a pool key and a front end's MRAS API key.
#pragma once

#include "config/config.hpp"

namespace avedge::config {

struct DevCredentials {
  bool secret_generated = false;
  bool user_generated = false;
  bool pool_key_generated = false;  // a key for this process's [edge] pool, which had none
  std::string api_key_frontend;     // a front end of that pool given a generated API key
  std::string api_key;              // printed once at start (development only)
};

// Does nothing unless cfg.dev_credentials is true.
DevCredentials add_dev_credentials(Config& cfg);

}  // namespace avedge::config
