// `avedge stat`: the key counters of one /metrics.json reading, with per-second rates against
// the previous reading (none on the first refresh).
#pragma once

#include <optional>
#include <string>

#include "perf/snapshot.hpp"

namespace avedge::perf {

std::string render_stat(const Snapshot& cur, const std::optional<Snapshot>& prev,
                        const std::string& admin);

}  // namespace avedge::perf
