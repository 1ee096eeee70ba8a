#include "net/fast_path.hpp"

#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/fast_path_object.hpp"
#include "net/interface_forwarding.hpp"
#include "turn/stats.hpp"

#ifdef AVEDGE_HAVE_FAST_PATH
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "channel_relay.h"
#endif

namespace avedge::net {

#ifdef AVEDGE_HAVE_FAST_PATH

namespace {

// One fixed handle and priority: a restarted avedge replaces the filter its predecessor left
// (whose stale routes would otherwise relay for up to a permission's lifetime).
constexpr uint32_t kTcHandle = 0xA7ED;
constexpr uint32_t kTcPriority = 0xA7;

uint32_t v4_network_order(const IpAddress& ip) {
  uint32_t out = 0;
  std::memcpy(&out, ip.bytes.data(), sizeof out);
  return out;
}

void copy_v6(uint32_t (&out)[4], const IpAddress& ip) {
  std::memcpy(out, ip.bytes.data(), sizeof out);
}

uint64_t monotonic_ns(TimePoint t) {
  // steady_clock is CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns().
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  return ns.count() < 0 ? 0 : static_cast<uint64_t>(ns.count());
}

// One route as the kernel's maps hold it: both directions' keys and values, in the layout of
// its family's maps. Client and peer sides of one family only (no 4-to-6 translation).
struct RouteEntry {
  bool v6 = false;
  avedge_to_peer_key peer_key4{};
  avedge_to_peer_value peer_value4{};
  avedge_to_client_key client_key4{};
  avedge_to_client_value client_value4{};
  avedge_to_peer6_key peer_key6{};
  avedge_to_peer6_value peer_value6{};
  avedge_to_client6_key client_key6{};
  avedge_to_client6_value client_value6{};

  [[nodiscard]] const void* peer_key() const {
    return v6 ? static_cast<const void*>(&peer_key6) : &peer_key4;
  }
  [[nodiscard]] const void* peer_value() const {
    return v6 ? static_cast<const void*>(&peer_value6) : &peer_value4;
  }
  [[nodiscard]] const void* client_key() const {
    return v6 ? static_cast<const void*>(&client_key6) : &client_key4;
  }
  [[nodiscard]] const void* client_value() const {
    return v6 ? static_cast<const void*>(&client_value6) : &client_value4;
  }
  [[nodiscard]] bool same_keys(const RouteEntry& o) const {
    return v6 == o.v6 && (v6 ? std::memcmp(&peer_key6, &o.peer_key6, sizeof peer_key6) == 0
                             : std::memcmp(&peer_key4, &o.peer_key4, sizeof peer_key4) == 0);
  }
};

std::optional<RouteEntry> route_entry(const turn::ClientTuple& t, const turn::ChannelRoute& r) {
  const Family f = t.client.ip.family;
  if (t.server.ip.family != f || r.peer.ip.family != f || r.relay.ip.family != f) {
    return std::nullopt;
  }
  RouteEntry e;
  const uint64_t expires = monotonic_ns(r.until);
  if (f == Family::V4) {
    e.peer_key4 = {v4_network_order(t.client.ip),
                   v4_network_order(t.server.ip),
                   t.client.port,
                   t.server.port,
                   r.channel,
                   0};
    e.peer_value4 = {v4_network_order(r.relay.ip),
                     v4_network_order(r.peer.ip),
                     r.relay.port,
                     r.peer.port,
                     0,
                     expires};
    e.client_key4 = {v4_network_order(r.peer.ip), v4_network_order(r.relay.ip), r.peer.port,
                     r.relay.port};
    e.client_value4 = {v4_network_order(t.server.ip),
                       v4_network_order(t.client.ip),
                       t.server.port,
                       t.client.port,
                       r.channel,
                       0,
                       expires};
    return e;
  }
  e.v6 = true;
  copy_v6(e.peer_key6.client_ip, t.client.ip);
  copy_v6(e.peer_key6.server_ip, t.server.ip);
  e.peer_key6.client_port = t.client.port;
  e.peer_key6.server_port = t.server.port;
  e.peer_key6.channel = r.channel;
  copy_v6(e.peer_value6.relay_ip, r.relay.ip);
  copy_v6(e.peer_value6.peer_ip, r.peer.ip);
  e.peer_value6.relay_port = r.relay.port;
  e.peer_value6.peer_port = r.peer.port;
  e.peer_value6.expires_ns = expires;
  copy_v6(e.client_key6.peer_ip, r.peer.ip);
  copy_v6(e.client_key6.relay_ip, r.relay.ip);
  e.client_key6.peer_port = r.peer.port;
  e.client_key6.relay_port = r.relay.port;
  copy_v6(e.client_value6.server_ip, t.server.ip);
  copy_v6(e.client_value6.client_ip, t.client.ip);
  e.client_value6.server_port = t.server.port;
  e.client_value6.client_port = t.client.port;
  e.client_value6.channel = r.channel;
  e.client_value6.expires_ns = expires;
  return e;
}

int libbpf_to_spdlog(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"  // libbpf's own format strings
  const int n = std::vsnprintf(line, sizeof line, format, args);
#pragma GCC diagnostic pop
  std::string_view text(line,
                        n < 0 ? 0 : std::min<size_t>(static_cast<size_t>(n), sizeof line - 1));
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (level == LIBBPF_WARN) {
    spdlog::warn("fast path: libbpf: {}", text);
  } else {
    spdlog::debug("fast path: libbpf: {}", text);
  }
  return 0;
}

std::string errno_text(int err) {
  return std::strerror(err < 0 ? -err : err);
}

}  // namespace

struct FastPath::State {
  std::vector<std::string> interfaces;
  bpf_object* obj = nullptr;
  int prog_fd = -1;
  int to_peer_fd = -1;
  int to_client_fd = -1;
  int to_peer6_fd = -1;
  int to_client6_fd = -1;
  int counters_fd = -1;
  struct Hook {
    bpf_tc_hook hook{};
    bpf_tc_opts opts{};
    bool created_qdisc = false;
  };
  std::vector<Hook> hooks;
  mutable std::mutex mu;
  std::unordered_map<turn::ClientTuple, std::vector<RouteEntry>, turn::ClientTupleHash> installed;
  // Per allocation: its routes of two families, which stay with the userspace relay.
  std::unordered_map<turn::ClientTuple, uint64_t, turn::ClientTupleHash> mixed_family;

  // The maps of route e's family.
  [[nodiscard]] int peer_fd(const RouteEntry& e) const { return e.v6 ? to_peer6_fd : to_peer_fd; }
  [[nodiscard]] int client_fd(const RouteEntry& e) const {
    return e.v6 ? to_client6_fd : to_client_fd;
  }

  // Adds what the kernel relayed on route e (its two map entries' counts) to k.
  void add_counts(const RouteEntry& e, turn::KernelRelayed& k) const {
    auto add = [&](int fd, const void* key, auto value, turn::Direction d) {
      if (bpf_map_lookup_elem(fd, key, &value) != 0) return;
      k.packets[static_cast<size_t>(d)] += value.packets;
      k.bytes[static_cast<size_t>(d)] += value.bytes;
    };
    if (e.v6) {
      add(peer_fd(e), e.peer_key(), avedge_to_peer6_value{}, turn::Direction::ToPeer);
      add(client_fd(e), e.client_key(), avedge_to_client6_value{}, turn::Direction::ToClient);
    } else {
      add(peer_fd(e), e.peer_key(), avedge_to_peer_value{}, turn::Direction::ToPeer);
      add(client_fd(e), e.client_key(), avedge_to_client_value{}, turn::Direction::ToClient);
    }
  }

  ~State() {
    for (auto& h : hooks) {
      bpf_tc_opts o{};
      o.sz = sizeof o;
      o.handle = h.opts.handle;
      o.priority = h.opts.priority;
      const int err = bpf_tc_detach(&h.hook, &o);
      if (err != 0 && err != -ENOENT) {
        spdlog::warn("fast path: detaching from ifindex {}: {}", h.hook.ifindex, errno_text(err));
      }
      if (h.created_qdisc) {
        h.hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&h.hook);
      }
    }
    if (obj != nullptr) bpf_object__close(obj);
  }

  void attach_to(const std::string& name) {
    const unsigned ifindex = if_nametoindex(name.c_str());
    if (ifindex == 0) {
      throw std::runtime_error(fmt::format(
          "edge.fast_path_interfaces: no interface '{}' here ({}); list the interfaces client "
          "and peer traffic arrive on (ip -br link)",
          name, errno_text(errno)));
    }
    Hook h;
    h.hook.sz = sizeof h.hook;
    h.hook.ifindex = static_cast<int>(ifindex);
    h.hook.attach_point = BPF_TC_INGRESS;
    const int made = bpf_tc_hook_create(&h.hook);
    if (made != 0 && made != -EEXIST) {
      throw std::runtime_error(fmt::format(
          "fast path: cannot add the clsact qdisc to {}: {} (avedge needs CAP_NET_ADMIN and "
          "CAP_BPF, or root, for edge.fast_path = \"tc\")",
          name, errno_text(made)));
    }
    h.created_qdisc = made == 0;
    h.opts.sz = sizeof h.opts;
    h.opts.prog_fd = prog_fd;
    h.opts.handle = kTcHandle;
    h.opts.priority = kTcPriority;
    h.opts.flags = BPF_TC_F_REPLACE;
    const int err = bpf_tc_attach(&h.hook, &h.opts);
    if (err != 0) {
      if (h.created_qdisc) {
        h.hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&h.hook);
      }
      throw std::runtime_error(
          fmt::format("fast path: cannot attach to tc ingress of {}: {}", name, errno_text(err)));
    }
    hooks.push_back(h);
    warn_if_not_forwarding(name);
  }

  // bpf_fib_lookup() answers only on interfaces that forward: elsewhere every datagram
  // would be declined, correct but slow. Loopback needs no lookup for 127/8 and ::1.
  static void warn_if_not_forwarding(const std::string& name) {
    if (name == "lo") return;
    for (const Family f : {Family::V4, Family::V6}) {
      if (interface_forwards(name, f) != false) continue;
      const char* ip = f == Family::V4 ? "ipv4" : "ipv6";
      spdlog::warn(
          "fast path: net.{}.conf.{}.forwarding is 0, so the kernel cannot pick a next hop "
          "and avedge relays every such datagram itself (avedge_fast_path_declined_total "
          "rises); set it to 1 (sysctl -w net.{}.conf.{}.forwarding=1, and drop forwarded "
          "traffic you do not want in the FORWARD chain)",
          ip, name, ip, name);
    }
  }
};

bool FastPath::built_in() {
  return !fast_path_object().empty();
}

namespace {

std::unique_ptr<FastPath::State> load_program() {
  libbpf_set_print(libbpf_to_spdlog);
  auto s = std::make_unique<FastPath::State>();
  const auto object = fast_path_object();
  bpf_object_open_opts opts{};
  opts.sz = sizeof opts;
  opts.object_name = "avedge_channel_relay";
  s->obj = bpf_object__open_mem(object.data(), object.size(), &opts);
  if (s->obj == nullptr) {
    throw std::runtime_error(
        fmt::format("fast path: the embedded program does not open: {}", errno_text(errno)));
  }
  if (const int err = bpf_object__load(s->obj); err != 0) {
    throw std::runtime_error(fmt::format(
        "fast path: the kernel refused the program: {} (needs Linux 5.10 or later with BPF, and "
        "CAP_BPF and CAP_NET_ADMIN or root)",
        errno_text(err)));
  }
  auto map_fd = [&](const char* name) {
    const bpf_map* m = bpf_object__find_map_by_name(s->obj, name);
    if (m == nullptr) throw std::runtime_error(fmt::format("fast path: no map {}", name));
    return bpf_map__fd(m);
  };
  s->to_peer_fd = map_fd("fp_to_peer");
  s->to_client_fd = map_fd("fp_to_client");
  s->to_peer6_fd = map_fd("fp6_to_peer");
  s->to_client6_fd = map_fd("fp6_to_client");
  s->counters_fd = map_fd("fp_counters");
  const bpf_program* prog = bpf_object__find_program_by_name(s->obj, "avedge_channel_relay");
  if (prog == nullptr) throw std::runtime_error("fast path: the program is missing");
  s->prog_fd = bpf_program__fd(prog);
  return s;
}

}  // namespace

std::shared_ptr<FastPath> FastPath::attach(const std::vector<std::string>& interfaces) {
  if (interfaces.empty()) {
    throw std::runtime_error(
        "edge.fast_path = \"tc\" needs edge.fast_path_interfaces: the interfaces client and "
        "peer traffic arrive on, e.g. [\"eth0\"]");
  }
  auto s = load_program();
  s->interfaces = interfaces;
  for (const auto& name : interfaces) s->attach_to(name);
  return std::shared_ptr<FastPath>(new FastPath(std::move(s)));
}

std::shared_ptr<FastPath> FastPath::load_unattached() {
  return std::shared_ptr<FastPath>(new FastPath(load_program()));
}

FastPath::ProgramRun FastPath::run_program(std::span<const uint8_t> frame,
                                           uint32_t ingress_ifindex) const {
  ProgramRun run;
  run.frame.resize(frame.size() + 64);
  __sk_buff ctx{};
  ctx.ingress_ifindex = ingress_ifindex;
  bpf_test_run_opts o{};
  o.sz = sizeof o;
  o.data_in = frame.data();
  o.data_size_in = static_cast<uint32_t>(frame.size());
  o.data_out = run.frame.data();
  o.data_size_out = static_cast<uint32_t>(run.frame.size());
  o.ctx_in = &ctx;
  o.ctx_size_in = sizeof ctx;
  o.repeat = 1;
  const int err = bpf_prog_test_run_opts(state_->prog_fd, &o);
  if (err != 0) {
    throw std::runtime_error(fmt::format("fast path: test run refused: {}", errno_text(err)));
  }
  run.action = static_cast<int>(o.retval);
  run.frame.resize(o.data_size_out);
  return run;
}

turn::KernelRelayed FastPath::set_routes(const turn::ClientTuple& t,
                                         std::span<const turn::ChannelRoute> routes) {
  std::vector<RouteEntry> next;
  next.reserve(routes.size());
  turn::KernelRelayed given_up;
  uint64_t mixed = 0;
  std::lock_guard lock(state_->mu);
  auto& st = *state_;
  auto remove = [&](const RouteEntry& e) {
    bpf_map_delete_elem(st.peer_fd(e), e.peer_key());
    bpf_map_delete_elem(st.client_fd(e), e.client_key());
  };
  auto it = st.installed.find(t);
  const std::vector<RouteEntry> none;
  const auto& before = it != st.installed.end() ? it->second : none;
  // Every route installed now is either rewritten below (its counts start again at 0) or
  // removed: take its counts once, before any write. (A datagram the kernel relays between
  // the read and the write is not counted for the allocation; the edge's counters have it.)
  for (const auto& old : before) st.add_counts(old, given_up);
  for (const auto& r : routes) {
    const auto e = route_entry(t, r);
    if (!e) {
      ++mixed;
      continue;
    }
    // The client-bound entry first: a peer's answer must not reach the userspace relay after
    // the client's first datagram went by the kernel (the order only matters for a moment).
    const int e1 =
        bpf_map_update_elem(st.client_fd(*e), e->client_key(), e->client_value(), BPF_ANY);
    const int e2 = bpf_map_update_elem(st.peer_fd(*e), e->peer_key(), e->peer_value(), BPF_ANY);
    if (e1 != 0 || e2 != 0) {
      // A full map: the rest stays with the userspace relay, which relays it all the same.
      spdlog::warn("fast path: route not installed ({}); the userspace relay carries it",
                   errno_text(errno));
      remove(*e);
      continue;
    }
    next.push_back(*e);
  }
  for (const auto& old : before) {
    const bool kept = std::any_of(next.begin(), next.end(),
                                  [&](const RouteEntry& n) { return n.same_keys(old); });
    if (!kept) remove(old);
  }
  if (next.empty()) {
    if (it != st.installed.end()) st.installed.erase(it);
  } else {
    st.installed[t] = std::move(next);
  }
  if (mixed > 0) {
    st.mixed_family[t] = mixed;
  } else {
    st.mixed_family.erase(t);
  }
  return given_up;
}

turn::KernelRelayed FastPath::relayed(const turn::ClientTuple& t) const {
  turn::KernelRelayed k;
  std::lock_guard lock(state_->mu);
  const auto it = state_->installed.find(t);
  if (it == state_->installed.end()) return k;
  for (const auto& e : it->second) state_->add_counts(e, k);
  return k;
}

FastPathCounters FastPath::counters() const {
  FastPathCounters c;
  const int cpus = libbpf_num_possible_cpus();
  std::vector<uint64_t> per_cpu(cpus > 0 ? static_cast<size_t>(cpus) : 1);
  auto total = [&](uint32_t slot) {
    uint64_t sum = 0;
    if (bpf_map_lookup_elem(state_->counters_fd, &slot, per_cpu.data()) == 0) {
      for (const uint64_t v : per_cpu) sum += v;
    }
    return sum;
  };
  c.to_peer_packets = total(AVEDGE_FP_TO_PEER_PACKETS);
  c.to_peer_bytes = total(AVEDGE_FP_TO_PEER_BYTES);
  c.to_client_packets = total(AVEDGE_FP_TO_CLIENT_PACKETS);
  c.to_client_bytes = total(AVEDGE_FP_TO_CLIENT_BYTES);
  c.declined = total(AVEDGE_FP_DECLINED);
  std::lock_guard lock(state_->mu);
  for (const auto& [tuple, entries] : state_->installed) c.routes += entries.size();
  for (const auto& [tuple, n] : state_->mixed_family) c.mixed_family_routes += n;
  return c;
}

#else  // built without libbpf

struct FastPath::State {
  std::vector<std::string> interfaces;
};

bool FastPath::built_in() {
  return false;
}

std::shared_ptr<FastPath> FastPath::attach(const std::vector<std::string>& /*interfaces*/) {
  throw std::runtime_error(
      "edge.fast_path = \"tc\": this avedge was built without the fast path (libbpf-dev and "
      "clang were missing at build time: scripts/install-deps.sh installs them)");
}

std::shared_ptr<FastPath> FastPath::load_unattached() {
  return attach({});
}

turn::KernelRelayed FastPath::set_routes(const turn::ClientTuple& /*t*/,
                                         std::span<const turn::ChannelRoute> /*routes*/) {
  return {};
}

turn::KernelRelayed FastPath::relayed(const turn::ClientTuple& /*t*/) const {
  return {};
}

FastPath::ProgramRun FastPath::run_program(std::span<const uint8_t> /*frame*/,
                                           uint32_t /*ingress_ifindex*/) const {
  return {};
}

FastPathCounters FastPath::counters() const {
  return {};
}

#endif

FastPath::FastPath(std::unique_ptr<State> s) : state_(std::move(s)) {}
FastPath::~FastPath() = default;

const std::vector<std::string>& FastPath::interfaces() const {
  return state_->interfaces;
}

}  // namespace avedge::net
