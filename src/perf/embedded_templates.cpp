// Generated from config/perf-templates/*.toml; keep identical (tests/unit/perf checks it).
// To update: paste each file between its raw-string delimiters below.
#include "perf/perf_template.hpp"

namespace avedge::perf {

namespace {
// clang-format off
constexpr std::string_view kEdge = R"avedge_tmpl(# avedge perf template "edge": the TURN relay (docs/COUNTERS.md, docs/EVENTS.md).
# `avedge perf collect --template edge`; counters are charted as per-second rates.
description = "TURN relay: allocations, authentication, relayed traffic, drops, process"

[[group]]
title = "Allocations"
series = ["avedge_allocations_active", "avedge_allocate_requests_total",
          "avedge_permissions_active", "avedge_channels_active"]

[[group]]
title = "Authentication"
series = ["avedge_auth_failures_total", "avedge_auth_challenges_total"]

[[group]]
title = "Relayed packets"
series = ["avedge_relayed_packets_total"]

[[group]]
title = "Relayed bytes"
series = ["avedge_relayed_bytes_total"]

[[group]]
title = "Drops and refusals"
series = ["avedge_drops_total", "avedge_quota_rejections_total"]

[[group]]
title = "CPU (seconds per second)"
series = ["avedge_process_cpu_seconds_total"]

[[group]]
title = "Resident memory (bytes)"
series = ["avedge_process_resident_memory_bytes"]

[[group]]
title = "Open file descriptors"
series = ["avedge_process_open_fds"]

[[group]]
title = "Free relay ports"
series = ["avedge_relay_ports_free"]

[[rule]]
name = "authentication failures per second"
series = "avedge_auth_failures_total"
warning = 10
error = 20
samples = 2
event = "auth.bad_integrity"

[[rule]]
name = "credentials of another edge pool per second"
series = "avedge_auth_failures_total{reason=foreign_pool}"
warning = 0.5
error = 5
samples = 2
event = "auth.foreign_pool"

[[rule]]
name = "quota rejections per second"
series = "avedge_quota_rejections_total"
warning = 1
error = 10
samples = 2
event = "quota.total"

[[rule]]
name = "dropped datagrams per second"
series = "avedge_drops_total"
warning = 100
error = 1000
samples = 2
event = "drop.no_permission"

[[rule]]
name = "free relay ports"
series = "avedge_relay_ports_free"
warning = 100
error = 10
below = true
samples = 1
event = "capacity.no_relay_port"
)avedge_tmpl";
constexpr std::string_view kMras = R"avedge_tmpl(# avedge perf template "mras": the credential service (docs/MRAS.md, docs/EVENTS.md).
description = "MRAS: credential requests, grants and refusals"

[[group]]
title = "MRAS requests"
series = ["avedge_mras_requests_total", "avedge_mras_grants_total"]

[[group]]
title = "MRAS refusals"
series = ["avedge_mras_refusals_total"]

[[rule]]
name = "MRAS refusals per second"
series = "avedge_mras_refusals_total"
warning = 1
error = 10
samples = 2
event = "mras.refused"

[[rule]]
name = "MRAS requests outside the SIP domains per second"
series = "avedge_mras_refusals_total{reason=9003}"
warning = 0.5
error = 5
samples = 2
event = "9003"

[[rule]]
name = "MRAS requests from front ends not authorized for their pool per second"
series = "avedge_mras_refusals_total{reason=9001}"
warning = 0.5
error = 5
samples = 2
event = "9001"

[[rule]]
name = "MRAS requests from unknown requesters per second"
series = "avedge_mras_refusals_total{reason=9002}"
warning = 0.5
error = 5
samples = 2
event = "9002"
)avedge_tmpl";
constexpr std::string_view kAll = R"avedge_tmpl(# avedge perf template "all": the relay (edge.toml) and MRAS (mras.toml) together.
# `include` takes other templates' groups and rules, in order; more [[group]] and [[rule]]
# tables may follow.
description = "TURN relay and MRAS: every counter group and threshold rule"
include = ["edge", "mras"]
)avedge_tmpl";
// clang-format on
}  // namespace

std::vector<EmbeddedTemplate> embedded_templates() {
  return {{"edge", kEdge}, {"mras", kMras}, {"all", kAll}};
}

}  // namespace avedge::perf
