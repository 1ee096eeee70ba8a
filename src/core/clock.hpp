// Time as a value: the protocol core is given "now" and never reads a clock itself.
#pragma once

#include <chrono>

namespace avedge {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

// Wall-clock seconds since the Unix epoch, for credentials that carry an expiry.
using UnixSeconds = int64_t;

}  // namespace avedge
