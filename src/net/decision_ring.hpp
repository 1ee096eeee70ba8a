// The last decisions (events) a worker took, for `GET /api/v1/explain?user=...` (issue 5 item
// 6): a fixed ring of fixed-size records, so memory is bounded and recording allocates nothing.
// Owned and used by one worker thread only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/clock.hpp"
#include "turn/io.hpp"

namespace avedge::net {

// One decision as the admin API reports it.
struct Decision {
  double time = 0;  // unix seconds with fraction: orders decisions across workers
  turn::Event event{};
  bool has_tuple = false;
  turn::Transport transport = turn::Transport::Udp;
  Endpoint client;
  std::string user;
  std::string detail;
};

class DecisionRing {
 public:
  static constexpr size_t kSize = 512;
  static constexpr size_t kUserBytes = 128;  // longer names are kept truncated
  static constexpr size_t kDetailBytes = 64;

  // Events without a user name are not kept: nobody can ask for them.
  void record(const turn::EventInfo& e, double unix_now);
  // Up to max decisions about `user`, newest first.
  [[nodiscard]] std::vector<Decision> for_user(std::string_view user, size_t max) const;

 private:
  struct Slot {
    double time = 0;  // unix seconds with fraction: orders decisions across workers
    turn::Event event{};
    bool has_tuple = false;
    turn::Transport transport = turn::Transport::Udp;
    Endpoint client;
    uint8_t user_len = 0;
    uint8_t detail_len = 0;
    std::array<char, kUserBytes> user{};
    std::array<char, kDetailBytes> detail{};
  };
  std::array<Slot, kSize> slots_{};
  size_t next_ = 0;
  size_t used_ = 0;
};

}  // namespace avedge::net
