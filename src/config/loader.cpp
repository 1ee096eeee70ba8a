#include "config/loader.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/admin_rules.hpp"
#include "config/default_config.hpp"
#include "config/durations.hpp"
#include "config/loader_topology.hpp"
#include "config/schema.hpp"
#include "config/suggest.hpp"
#include "config/toml_reader.hpp"
#include "config/topology_check.hpp"
#include "config/values.hpp"

namespace avedge::config {

namespace {

class Loader : public TomlReader {
 public:
  Loader(std::string file, std::filesystem::path base_dir)
      : TomlReader(std::move(file), std::move(base_dir)) {}

  LoadResult run(std::string_view text) {
    LoadResult r;
    toml::table root;
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      r.errors.push_back(ConfigError{SourcePos{file_, e.source().begin.line},
                                     fmt::format("TOML syntax: {}", e.description()),
                                     "check quotes, brackets and '=' on that line"});
      return r;
    }
    for (auto&& [k, v] : root) walk_top(k, v);
    // Cross-references of the topology (pool names), once every table is read.
    check_topology(cfg_.topology, errors_);
    // toml++ iterates keys in sorted order; report in the order of the file.
    std::stable_sort(
        errors_.begin(), errors_.end(),
        [](const ConfigError& a, const ConfigError& b) { return a.where.line < b.where.line; });
    r.config = std::move(cfg_);
    r.errors = std::move(errors_);
    return r;
  }

 private:
  void walk_top(const toml::key& k, const toml::node& v) {
    const std::string_view name = k.str();
    const TableSpec* t = find_table(name);
    if (t == nullptr) {
      unknown_top(k);
      return;
    }
    if (TopologyLoader::handles(name)) {
      topology_.load(*t, v);
      return;
    }
    const toml::table* tbl = v.as_table();
    if (tbl == nullptr) {
      error(at(v), fmt::format("{}: expected a table, found {}", name, toml_type_name(v)),
            fmt::format("write [{}] on a line of its own, then its keys below", name));
      return;
    }
    for (auto&& [key, val] : *tbl) {
      const KeySpec* spec = find_key(*t, key.str());
      if (spec == nullptr) {
        unknown_key(*t, key);
        continue;
      }
      apply(*t, *spec, val);
    }
  }

  void unknown_top(const toml::key& k) {
    const std::string_view name = k.str();
    // A key placed at the top level that belongs in a table: say which table.
    for (const auto& t : schema()) {
      if (find_key(t, name) != nullptr) {
        error(at(k),
              fmt::format("unknown key \"{}\" at the top level; did you mean {} {}?", name,
                          table_label(t), name),
              fmt::format("move it below the {} line", table_label(t)));
        return;
      }
    }
    std::vector<std::string_view> names;
    for (const auto& t : schema()) names.push_back(t.name);
    if (auto n = nearest(name, names)) {
      const std::string label = table_label(*find_table(*n));
      error(at(k), fmt::format("unknown table \"{}\"; did you mean {}?", name, label),
            fmt::format("rename it to {}", label));
      return;
    }
    std::string list;
    for (const auto& t : schema()) list += (list.empty() ? "" : ", ") + table_label(t);
    error(at(k), fmt::format("unknown key \"{}\"", name), "known tables: " + list);
  }

  // --- the tables ----------------------------------------------------------

  void apply(const TableSpec& t, const KeySpec& spec, const toml::node& v) {
    if (t.name == "edge") return apply_edge(spec, v);
    if (t.name == "auth") return apply_auth(spec, v);
    if (t.name == "peers") return apply_peers(spec, v);
    if (t.name == "quota") return apply_quota(spec, v);
    if (t.name == "limits") return apply_limits(spec, v);
    if (t.name == "lifetimes") return apply_lifetimes(spec, v);
    if (t.name == "tls") return apply_tls(spec, v);
    if (t.name == "log") return apply_log(spec, v);
    if (t.name == "admin") return apply_admin(spec, v);
  }

  void apply_edge(const KeySpec& spec, const toml::node& v) {
    const std::string_view k = spec.key;
    if (k == "pool") {
      if (auto s = get_string(v, spec)) cfg_.topology.this_pool = {*s, at(v)};
    } else if (k == "diagnostic_reasons") {
      if (auto b = get_bool(v, spec)) cfg_.topology.diagnostic_reasons = {*b, at(v)};
    } else if (k == "realm") {
      if (auto s = get_string(v, spec)) {
        if (s->empty() || s->size() > 127) {
          // RFC 8489 §14.9: REALM is fewer than 128 characters.
          error(at(v), "realm: must be 1 to 127 characters", "write realm = \"avedge.local\"");
        } else {
          cfg_.realm = {*s, at(v)};
        }
      }
    } else if (k == "listen") {
      cfg_.listeners.clear();
      each_string(v, spec, [&](const toml::node& e, const std::string& s) {
        auto r = parse_listener(s);
        if (!r.ok()) {
          errors_.push_back(value_error(at(e), "listen", s, r.problem));
          return;
        }
        r.value->where = at(e);
        cfg_.listeners.push_back(*r.value);
      });
    } else if (k == "relay_ips") {
      cfg_.relay_ips.clear();
      each_string(v, spec, [&](const toml::node& e, const std::string& s) {
        auto r = parse_ip(s);
        if (!r.ok()) {
          errors_.push_back(value_error(at(e), "relay_ips", s, r.problem));
          return;
        }
        cfg_.relay_ips.push_back({*r.value, at(e)});
      });
    } else if (k == "relay_ports") {
      string_value(v, spec, parse_port_range, cfg_.relay_ports);
    } else if (k == "workers") {
      if (auto n = get_int_in(v, spec, 0, 1024, "write workers = 0 (one per core)")) {
        cfg_.workers = {static_cast<unsigned>(*n), at(v)};
      }
    } else if (k == "latency_budget_us") {
      if (auto n = get_int_in(v, spec, 0, kMaxLatencyBudgetUs,
                              fmt::format("write latency_budget_us = {} (the default) or 0 (wake "
                                          "at every packet)",
                                          kDefaultLatencyBudgetUs))) {
        cfg_.latency_budget_us = {static_cast<unsigned>(*n), at(v)};
      }
    } else if (k == "latency_budget_when_cheaper") {
      if (auto b = get_bool(v, spec)) cfg_.latency_budget_when_cheaper = {*b, at(v)};
    } else if (k == "busy_poll_us") {
      if (auto n = get_int_in(v, spec, 0, kMaxBusyPollUs,
                              "write busy_poll_us = 0 (the default: sleep when nothing is "
                              "waiting) or about twice the gap between packets, e.g. 200")) {
        cfg_.busy_poll_us = {static_cast<unsigned>(*n), at(v)};
      }
    } else if (k == "software") {
      if (auto b = get_bool(v, spec)) cfg_.software = {*b, at(v)};
    } else if (k == "fast_path") {
      if (auto s = get_string(v, spec)) {
        if (*s != "off" && *s != "tc") {
          error(at(v), fmt::format("fast_path \"{}\": must be \"off\" or \"tc\"", *s),
                "write fast_path = \"tc\" (channel-bound UDP relayed in the kernel) or "
                "\"off\" (the default)");
        } else {
          cfg_.fast_path = {*s, at(v)};
        }
      }
    } else if (k == "fast_path_interfaces") {
      cfg_.fast_path_interfaces.clear();
      each_string(v, spec, [&](const toml::node& e, const std::string& s) {
        // Linux interface names: 1 to 15 bytes, no '/' or white space (IFNAMSIZ).
        if (s.empty() || s.size() > 15 || s.find_first_of("/ \t:") != std::string::npos) {
          error(at(e), fmt::format("fast_path_interfaces: \"{}\" is not an interface name", s),
                "write the names `ip -br link` prints, e.g. [\"eth0\"]");
          return;
        }
        cfg_.fast_path_interfaces.push_back({s, at(e)});
      });
    } else if (k == "strict_channel_numbers") {
      if (auto b = get_bool(v, spec)) cfg_.strict_channel_numbers = {*b, at(v)};
    }
  }

  void add_user(const SourcePos& where, std::string name, std::string password) {
    for (const auto& u : cfg_.users) {
      if (u.name == name) {
        error(where,
              fmt::format("user \"{}\" defined twice (first at {})", name, u.where.to_string()),
              "remove one of them");
        return;
      }
    }
    cfg_.users.push_back(StaticUser{std::move(name), std::move(password), where});
  }

  void apply_auth(const KeySpec& spec, const toml::node& v) {
    const std::string_view k = spec.key;
    if (k == "users") {
      const toml::array* arr = v.as_array();
      if (arr == nullptr) {
        wrong_type(v, spec, "an array");
        return;
      }
      for (const toml::node& e : *arr) {
        if (e.is_string()) {
          // users = ["alice:secret"]. The password is never echoed in an error.
          const std::string s = *e.value<std::string>();
          auto r = parse_user_pair(s);
          if (!r.ok()) {
            error(at(e), fmt::format("users entry: {}", r.problem.cause), r.problem.fix);
            continue;
          }
          add_user(at(e), r.value->first, r.value->second);
        } else if (const toml::table* u = e.as_table()) {
          // [[auth.users]] name = "alice" password = "secret"
          user_table(*u, e);
        } else {
          wrong_type(e, spec, "strings \"name:password\" or tables {name, password}");
        }
      }
    } else if (k == "secrets") {
      each_string(v, spec, [&](const toml::node& e, const std::string& s) {
        if (s.size() < 16) {
          error(at(e), "secrets entry: shorter than 16 characters",
                "use a long random secret, e.g. the output of `openssl rand -hex 32`");
          return;
        }
        cfg_.secrets.push_back({s, at(e)});
      });
    } else if (k == "secret_files") {
      each_string(v, spec, [&](const toml::node& e, const std::string& s) {
        if (auto text = read_secret_file(e, "secret_files", s)) {
          cfg_.secrets.push_back({std::move(*text), at(e)});
        }
      });
    } else if (k == "dev_credentials") {
      if (auto b = get_bool(v, spec)) cfg_.dev_credentials = {*b, at(v)};
    }
  }

  void user_table(const toml::table& u, const toml::node& whole) {
    static const KeySpec kName{"name", "name = \"alice\""};
    static const KeySpec kPassword{"password", "password = \"a-long-password\""};
    std::optional<std::string> name;
    std::optional<std::string> password;
    for (auto&& [key, val] : u) {
      if (key.str() == "name") {
        name = get_string(val, kName);
      } else if (key.str() == "password") {
        password = get_string(val, kPassword);
      } else {
        const std::array<std::string_view, 2> keys{"name", "password"};
        auto n = nearest(key.str(), keys);
        error(at(key),
              n ? fmt::format("unknown key \"{}\" in [[auth.users]]; did you mean \"{}\"?",
                              key.str(), *n)
                : fmt::format("unknown key \"{}\" in [[auth.users]]", key.str()),
              "a user has name and password");
      }
    }
    if (!name || !password) {
      error(at(whole), "[[auth.users]] entry: needs both name and password",
            "write name = \"alice\" and password = \"a-long-password\"");
      return;
    }
    auto n = parse_user_name(*name);
    if (!n.ok()) {
      errors_.push_back(value_error(at(whole), "name", *name, n.problem));
      return;
    }
    if (password->empty()) {
      error(at(whole), "[[auth.users]] entry: empty password", "write a password");
      return;
    }
    add_user(at(whole), *n.value, *password);
  }

  void apply_peers(const KeySpec& spec, const toml::node& v) {
    const std::string_view k = spec.key;
    if (k == "deny") {
      string_value(v, spec, parse_peers_deny, cfg_.peers.recommended);
      return;
    }
    auto& list = k == "allow" ? cfg_.peers.allow : cfg_.peers.deny_extra;
    list.clear();
    each_string(v, spec, [&](const toml::node& e, const std::string& s) {
      auto r = parse_cidr(s);
      if (!r.ok()) {
        errors_.push_back(value_error(at(e), spec.key, s, r.problem));
        return;
      }
      list.push_back({*r.value, at(e)});
    });
  }

  void apply_quota(const KeySpec& spec, const toml::node& v) {
    auto n = get_int_in(v, spec, 1, 10'000'000, fmt::format("write {}", spec.example));
    if (!n) return;
    Located<uint64_t> val{static_cast<uint64_t>(*n), at(v)};
    if (spec.key == "total") cfg_.quota.total = val;
    if (spec.key == "per_user") cfg_.quota.per_user = val;
    if (spec.key == "per_ip") cfg_.quota.per_ip = val;
  }

  void apply_limits(const KeySpec& spec, const toml::node& v) {
    if (spec.key == "idle_timeout") {
      if (v.is_integer()) {
        error(at(v), fmt::format("idle_timeout {}: a duration needs a unit", *v.value<int64_t>()),
              fmt::format("write idle_timeout = \"{}s\"", *v.value<int64_t>()));
        return;
      }
      string_value(v, spec, parse_duration, cfg_.limits.idle_timeout);
      return;
    }
    // 0 turns the challenge limit off; connection limits need at least one; a frame is at
    // least a STUN header and at most header + 65535 (RFC 8489 §5).
    const bool frame = spec.key == "max_message_size";
    const int64_t lo = spec.key.starts_with("challenges") ? 0 : frame ? 512 : 1;
    const int64_t hi = frame ? 65555 : 10'000'000;
    auto n = get_int_in(v, spec, lo, hi, fmt::format("write {}", spec.example));
    if (!n) return;
    Located<uint64_t> val{static_cast<uint64_t>(*n), at(v)};
    if (spec.key == "challenges_per_second") cfg_.limits.challenges_per_second = val;
    if (spec.key == "challenges_burst") cfg_.limits.challenges_burst = val;
    if (spec.key == "connections_total") cfg_.limits.connections_total = val;
    if (spec.key == "connections_per_ip") cfg_.limits.connections_per_ip = val;
    if (spec.key == "max_message_size") cfg_.limits.max_message_size = val;
  }

  void apply_lifetimes(const KeySpec& spec, const toml::node& v) {
    Located<Seconds>* out = nullptr;
    if (spec.key == "default") out = &cfg_.lifetimes.default_lifetime;
    if (spec.key == "max") out = &cfg_.lifetimes.max_lifetime;
    if (spec.key == "permission") out = &cfg_.lifetimes.permission;
    if (spec.key == "channel") out = &cfg_.lifetimes.channel;
    if (spec.key == "nonce") out = &cfg_.lifetimes.nonce;
    if (out == nullptr) return;
    if (v.is_integer()) {
      error(at(v), fmt::format("{} {}: a duration needs a unit", spec.key, *v.value<int64_t>()),
            fmt::format("write {} = \"{}s\"", spec.key, *v.value<int64_t>()));
      return;
    }
    string_value(v, spec, parse_duration, *out);
  }

  void apply_tls(const KeySpec& spec, const toml::node& v) {
    auto s = get_string(v, spec);
    if (!s) return;
    const std::string path = s->empty() ? std::string() : resolve(*s).string();
    if (spec.key == "cert") cfg_.tls.cert = {path, at(v)};
    if (spec.key == "key") cfg_.tls.key = {path, at(v)};
  }

  void apply_log(const KeySpec& spec, const toml::node& v) {
    if (spec.key == "level") string_value(v, spec, parse_log_level, cfg_.log_level);
    if (spec.key == "events") {
      auto s = get_string(v, spec);
      if (!s) return;
      if (s->empty()) {
        error(at(v), "events: empty", "write events = \"stderr\", \"stdout\" or a file path");
        return;
      }
      // A file path is relative to the configuration file's directory.
      const bool stream = *s == "stdout" || *s == "stderr";
      cfg_.log_events = {stream ? *s : resolve(*s).string(), at(v)};
    }
    if (spec.key == "events_rate") {
      auto n = get_int_in(v, spec, 1, 100'000, "write events_rate = 10");
      if (!n) return;
      cfg_.log_events_rate = {static_cast<uint64_t>(*n), at(v)};
    }
  }

  void apply_admin(const KeySpec& spec, const toml::node& v) {
    if (spec.key == "listen") {
      string_value(v, spec, parse_admin_listen, cfg_.admin.listen);
    } else if (spec.key == "token") {
      if (auto s = get_string(v, spec)) cfg_.admin.token = {*s, at(v)};
    } else if (spec.key == "token_file") {
      if (auto s = get_string(v, spec)) {
        if (auto text = read_secret_file(v, "token_file", *s)) {
          cfg_.admin.token = {std::move(*text), at(v)};
        }
      }
    }
  }

  Config cfg_;
  TopologyLoader topology_{*this, cfg_.topology};
};

}  // namespace

LoadResult load_string(std::string_view text, const std::string& display_name,
                       const std::string& base_dir) {
  Loader l(display_name, base_dir);
  return l.run(text);
}

LoadResult load_file(const std::string& path) {
  bool ok = false;
  const std::string text = read_text_file(path, ok);
  if (!ok) {
    LoadResult r;
    r.errors.push_back(ConfigError{SourcePos{path, 0}, "cannot read the configuration file",
                                   "check the path given to -c and its permissions"});
    return r;
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return load_string(text, path, dir.string());
}

LoadResult load_embedded_default() {
  return load_string(embedded_default_toml(), "default.toml (embedded)", ".");
}

std::vector<std::string> known_keys() {
  std::vector<std::string> out;
  for (const auto& t : schema()) {
    for (const auto& k : t.keys) out.push_back(fmt::format("{}.{}", t.name, k.key));
  }
  for (const TableSpec* sub : {&edge_node_spec(), &pool_secret_spec()}) {
    for (const auto& k : sub->keys) {
      out.push_back(fmt::format("edge_pool.{}.{}", sub->name, k.key));
    }
  }
  return out;
}

}  // namespace avedge::config
