#include "perf/stat_view.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "perf/recorder.hpp"
#include "perf/svg_chart.hpp"

namespace avedge::perf {

namespace {

class View {
 public:
  View(const Snapshot& cur, const std::optional<Snapshot>& prev) : cur_(cur), prev_(prev) {}

  [[nodiscard]] double value(std::string_view name, const LabelMap& where = {}) const {
    return cur_.sum(name, where);
  }
  // "12.5/s", or "-" on the first refresh.
  [[nodiscard]] std::string rate(std::string_view name, const LabelMap& where = {}) const {
    if (!prev_) return "-";
    return format_value(counter_rate(prev_->sum(name, where), cur_.sum(name, where),
                                     cur_.time - prev_->time)) +
           "/s";
  }
  // Values of one label of `name`, sorted.
  [[nodiscard]] std::set<std::string> label_values(std::string_view name,
                                                   const std::string& label) const {
    std::set<std::string> out;
    for (const auto& s : cur_.series) {
      auto it = s.labels.find(label);
      if (s.name == name && it != s.labels.end()) out.insert(it->second);
    }
    return out;
  }
  // "bad_integrity 3/s, stale_nonce 1/s": the label values with a non-zero total.
  [[nodiscard]] std::string breakdown(std::string_view name, const std::string& label) const {
    std::string out;
    for (const auto& v : label_values(name, label)) {
      if (value(name, {{label, v}}) == 0) continue;
      out +=
          fmt::format("{}{} {}", out.empty() ? "" : ", ", v,
                      prev_ ? rate(name, {{label, v}}) : format_value(value(name, {{label, v}})));
    }
    return out.empty() ? "" : " (" + out + ")";
  }

 private:
  const Snapshot& cur_;
  const std::optional<Snapshot>& prev_;
};

std::string bytes(double b) {
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.1f} KiB", b / 1024.0);
  return fmt::format("{:.0f} B", b);
}

}  // namespace

std::string render_stat(const Snapshot& cur, const std::optional<Snapshot>& prev,
                        const std::string& admin) {
  const View v(cur, prev);
  const auto t = static_cast<std::time_t>(cur.time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string out =
      fmt::format("avedge stat  {}  {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC\n", admin,
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string by_transport;
  for (const auto& tr : v.label_values("avedge_allocations_active", "transport")) {
    by_transport +=
        fmt::format("{}{} {}", by_transport.empty() ? "" : ", ", tr,
                    format_value(v.value("avedge_allocations_active", {{"transport", tr}})));
  }
  out += fmt::format("allocations   {} active{}  allocate {}  permissions {}  channels {}\n",
                     format_value(v.value("avedge_allocations_active")),
                     by_transport.empty() ? "" : " (" + by_transport + ")",
                     v.rate("avedge_allocate_requests_total"),
                     format_value(v.value("avedge_permissions_active")),
                     format_value(v.value("avedge_channels_active")));
  out += fmt::format(
      "auth          failures {}{}  challenges {}\n", v.rate("avedge_auth_failures_total"),
      v.breakdown("avedge_auth_failures_total", "reason"), v.rate("avedge_auth_challenges_total"));
  const LabelMap to_peer{{"direction", "to_peer"}};
  const LabelMap to_client{{"direction", "to_client"}};
  auto per_s = [&](std::string_view name, const LabelMap& where, bool is_bytes) {
    if (!prev) return std::string("-");
    const double r =
        counter_rate(prev->sum(name, where), cur.sum(name, where), cur.time - prev->time);
    return is_bytes ? bytes(r) + "/s" : format_value(r) + " pkt/s";
  };
  out += fmt::format("relayed       to peer {} {}  to client {} {}\n",
                     per_s("avedge_relayed_packets_total", to_peer, false),
                     per_s("avedge_relayed_bytes_total", to_peer, true),
                     per_s("avedge_relayed_packets_total", to_client, false),
                     per_s("avedge_relayed_bytes_total", to_client, true));
  // edge.fast_path = "tc": what the kernel relayed without avedge (absent when it is off).
  if (cur.find("avedge_fast_path_routes") != nullptr) {
    out += fmt::format("fast path     to peer {} {}  to client {} {}  routes {}  declined {}\n",
                       per_s("avedge_fast_path_packets_total", to_peer, false),
                       per_s("avedge_fast_path_bytes_total", to_peer, true),
                       per_s("avedge_fast_path_packets_total", to_client, false),
                       per_s("avedge_fast_path_bytes_total", to_client, true),
                       format_value(v.value("avedge_fast_path_routes")),
                       v.rate("avedge_fast_path_declined_total"));
  }
  out += fmt::format("drops         {}{}  quota rejections {}{}\n", v.rate("avedge_drops_total"),
                     v.breakdown("avedge_drops_total", "reason"),
                     v.rate("avedge_quota_rejections_total"),
                     v.breakdown("avedge_quota_rejections_total", "reason"));
  out += fmt::format(
      "mras          requests {}  grants {} ({})  refusals {} ({}){}\n",
      v.rate("avedge_mras_requests_total"), format_value(v.value("avedge_mras_grants_total")),
      v.rate("avedge_mras_grants_total"), format_value(v.value("avedge_mras_refusals_total")),
      v.rate("avedge_mras_refusals_total"), v.breakdown("avedge_mras_refusals_total", "reason"));
  std::string cpu = "-";
  if (prev) {
    cpu = fmt::format("{:.1f}%", 100 * counter_rate(prev->sum("avedge_process_cpu_seconds_total"),
                                                    cur.sum("avedge_process_cpu_seconds_total"),
                                                    cur.time - prev->time));
  }
  out += fmt::format("process       cpu {}  rss {}  fds {}  free relay ports {}\n", cpu,
                     bytes(v.value("avedge_process_resident_memory_bytes")),
                     format_value(v.value("avedge_process_open_fds")),
                     format_value(v.value("avedge_relay_ports_free")));
  return out;
}

}  // namespace avedge::perf
