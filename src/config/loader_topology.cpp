#include "config/loader_topology.hpp"

#include <array>

#include <fmt/format.h>

#include "auth/pool_credentials.hpp"
#include "config/durations.hpp"
#include "config/values.hpp"

namespace avedge::config {

namespace {

// Longest pool credential lifetime (issue 4: "token lifetime outside 1 minute to 180 days").
constexpr int64_t kMaxTokenLifetimeDays = 180;

constexpr std::array<std::string_view, 4> kTables{"topology", "edge_pool", "frontend_pool", "mras"};

// Calls f(spec, value) for each known key of tbl and reports the unknown ones.
template <typename F>
void each_key(TomlReader& r, const TableSpec& spec, const toml::table& tbl, F&& f) {
  for (auto&& [key, val] : tbl) {
    const KeySpec* k = find_key(spec, key.str());
    if (k == nullptr) {
      r.unknown_key(spec, key);
      continue;
    }
    f(*k, val);
  }
}

}  // namespace

bool TopologyLoader::handles(std::string_view table) {
  for (auto t : kTables) {
    if (t == table) return true;
  }
  return false;
}

void TopologyLoader::load(const TableSpec& spec, const toml::node& v) {
  if (spec.array_of_tables) {
    const toml::array* arr = v.as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      r_.error(r_.at(v), fmt::format("{}: expected {} tables", spec.name, table_label(spec)),
               fmt::format("write {} on a line of its own, then its keys below; repeat it for "
                           "each pool",
                           table_label(spec)));
      return;
    }
    for (const toml::node& e : *arr) {
      if (spec.name == "edge_pool") edge_pool(spec, *e.as_table(), e);
      if (spec.name == "frontend_pool") frontend_pool(spec, *e.as_table(), e);
    }
    return;
  }
  const toml::table* tbl = v.as_table();
  if (tbl == nullptr) {
    r_.error(r_.at(v), fmt::format("{}: expected a table, found {}", spec.name, toml_type_name(v)),
             fmt::format("write [{}] on a line of its own, then its keys below", spec.name));
    return;
  }
  each_key(r_, spec, *tbl, [&](const KeySpec& k, const toml::node& val) {
    if (spec.name == "topology") topology_key(k, val);
    if (spec.name == "mras") mras_key(k, val);
  });
}

// --- typed values ------------------------------------------------------------

std::optional<Located<std::string>> TopologyLoader::name_value(const toml::node& v,
                                                               const KeySpec& spec, size_t max) {
  auto s = r_.get_string(v, spec);
  if (!s) return std::nullopt;
  auto p = parse_token(*s, max, spec.example);
  if (!p.ok()) {
    r_.add(value_error(r_.at(v), spec.key, *s, p.problem));
    return std::nullopt;
  }
  return Located<std::string>{*p.value, r_.at(v)};
}

std::optional<Located<std::string>> TopologyLoader::dns_value(const toml::node& v,
                                                              const KeySpec& spec) {
  auto s = r_.get_string(v, spec);
  if (!s) return std::nullopt;
  auto p = parse_dns_name(*s);
  if (!p.ok()) {
    r_.add(value_error(r_.at(v), spec.key, *s, p.problem));
    return std::nullopt;
  }
  return Located<std::string>{*p.value, r_.at(v)};
}

std::optional<Located<IpAddress>> TopologyLoader::ip_value(const toml::node& v,
                                                           std::string_view key) {
  const auto s = v.value<std::string>();
  if (!s || !v.is_string()) {
    r_.error(r_.at(v),
             fmt::format("{}: expected an IP address string, found {}", key, toml_type_name(v)),
             fmt::format("write {} = \"10.0.0.11\"", key));
    return std::nullopt;
  }
  auto p = parse_ip(*s);
  if (!p.ok()) {
    r_.add(value_error(r_.at(v), key, *s, p.problem));
    return std::nullopt;
  }
  return Located<IpAddress>{*p.value, r_.at(v)};
}

void TopologyLoader::ip_list(const toml::node& v, const KeySpec& spec,
                             std::vector<Located<IpAddress>>& out) {
  out.clear();
  r_.each_string(v, spec, [&](const toml::node& e, const std::string&) {
    if (auto ip = ip_value(e, spec.key)) out.push_back(*ip);
  });
}

void TopologyLoader::dns_list(const toml::node& v, const KeySpec& spec,
                              std::vector<Located<std::string>>& out) {
  out.clear();
  r_.each_string(v, spec, [&](const toml::node& e, const std::string& s) {
    auto p = parse_dns_name(s);
    if (!p.ok()) {
      r_.add(value_error(r_.at(e), spec.key, s, p.problem));
      return;
    }
    out.push_back({*p.value, r_.at(e)});
  });
}

std::optional<Located<uint16_t>> TopologyLoader::port_value(const toml::node& v,
                                                            const KeySpec& spec) {
  auto n = r_.get_int(v, spec);
  if (!n) return std::nullopt;
  if (*n < 1 || *n > 65535) {
    r_.error(r_.at(v), fmt::format("{} {}: must be 1 to 65535", spec.key, *n),
             fmt::format("write {}", spec.example));
    return std::nullopt;
  }
  return Located<uint16_t>{static_cast<uint16_t>(*n), r_.at(v)};
}

// --- [topology] --------------------------------------------------------------

void TopologyLoader::topology_key(const KeySpec& spec, const toml::node& v) {
  if (spec.key == "sip_domains") {
    dns_list(v, spec, t_.sip_domains);
  } else if (spec.key == "default_routing_domain") {
    if (auto d = dns_value(v, spec)) t_.default_routing_domain = *d;
  }
}

// --- [[edge_pool]] -----------------------------------------------------------

void TopologyLoader::edge_pool(const TableSpec& spec, const toml::table& tbl,
                               const toml::node& whole) {
  EdgePool p;
  p.name.where = r_.at(whole);
  each_key(r_, spec, tbl,
           [&](const KeySpec& k, const toml::node& val) { edge_pool_key(p, k, val); });
  if (p.name.value.empty()) {
    r_.error(r_.at(whole), "[[edge_pool]] without a name",
             "write name = \"EDGEPOOL01\" below [[edge_pool]]");
    return;
  }
  if (p.public_fqdn.value.empty()) {
    r_.error(p.name.where, fmt::format("[[edge_pool]] {} has no public_fqdn", p.name.value),
             "write public_fqdn = \"av1.contoso.com\": the name its internet clients are given");
  }
  t_.edge_pools.push_back(std::move(p));
}

void TopologyLoader::edge_pool_key(EdgePool& p, const KeySpec& spec, const toml::node& v) {
  const std::string_view k = spec.key;
  if (k == "name") {
    if (auto n = name_value(v, spec, auth::kMaxPoolName)) p.name = *n;
  } else if (k == "public_fqdn") {
    if (auto d = dns_value(v, spec)) p.public_fqdn = *d;
  } else if (k == "internal_fqdn") {
    if (auto d = dns_value(v, spec)) p.internal_fqdn = *d;
  } else if (k == "public_ips") {
    ip_list(v, spec, p.public_ips);
  } else if (k == "authorized_internal_servers") {
    dns_list(v, spec, p.authorized_internal_servers);
  } else if (k == "edges") {
    edges(p, spec, v);
  } else if (k == "secrets") {
    secrets(p, spec, v);
  } else if (k == "token_lifetime") {
    Located<Seconds> d;
    if (v.is_integer()) {
      r_.error(r_.at(v), "token_lifetime: a duration needs a unit",
               fmt::format("write token_lifetime = \"{}s\"", *v.value<int64_t>()));
      return;
    }
    r_.string_value(v, spec, parse_duration, d);
    if (d.where.line == 0) return;  // reported
    // Kept even when out of range, so `avedge check` can explain it as AVE-TOKEN-001.
    p.token_lifetime = d;
    if (d.value < Seconds{60} || d.value > Seconds{kMaxTokenLifetimeDays * 24 * 3600}) {
      r_.rule_error(d.where,
                    fmt::format("token_lifetime \"{}\": must be 1m to {}d",
                                format_duration(d.value), kMaxTokenLifetimeDays),
                    "write token_lifetime = \"8h\"", "AVE-TOKEN-001");
    }
  } else if (k == "turn_udp_port") {
    if (auto port = port_value(v, spec)) p.turn_udp_port = *port;
  } else if (k == "turn_tcp_port") {
    if (auto port = port_value(v, spec)) p.turn_tcp_port = *port;
  }
}

void TopologyLoader::edges(EdgePool& p, const KeySpec& spec, const toml::node& v) {
  const toml::array* arr = v.as_array();
  if (arr == nullptr) {
    r_.wrong_type(v, spec, "an array of tables");
    return;
  }
  p.edges.clear();
  const TableSpec& sub = edge_node_spec();
  for (const toml::node& e : *arr) {
    const toml::table* t = e.as_table();
    if (t == nullptr) {
      r_.wrong_type(e, spec, "an array of tables");
      continue;
    }
    EdgeNode node;
    each_key(r_, sub, *t, [&](const KeySpec& k, const toml::node& val) {
      if (k.key == "name") {
        if (auto n = name_value(val, k, 64)) node.name = *n;
      } else if (k.key == "internal_ip") {
        node.internal_ip = ip_value(val, k.key);
      } else if (k.key == "public_ip") {
        node.public_ip = ip_value(val, k.key);
      }
    });
    if (node.name.value.empty()) {
      r_.error(r_.at(e), "edges entry without a name",
               "write { name = \"edge01\", internal_ip = \"10.0.0.11\" }");
      continue;
    }
    node.name.where = r_.at(e);
    p.edges.push_back(std::move(node));
  }
}

void TopologyLoader::secrets(EdgePool& p, const KeySpec& spec, const toml::node& v) {
  const toml::array* arr = v.as_array();
  if (arr == nullptr) {
    r_.wrong_type(v, spec, "an array of tables { id, file } or { id, value }");
    return;
  }
  p.secrets.clear();
  const TableSpec& sub = pool_secret_spec();
  for (const toml::node& e : *arr) {
    const toml::table* t = e.as_table();
    if (t == nullptr) {
      r_.wrong_type(e, spec, "tables { id, file } or { id, value }");
      continue;
    }
    PoolSecret s;
    bool have_value = false;
    bool bad = false;
    each_key(r_, sub, *t, [&](const KeySpec& k, const toml::node& val) {
      if (k.key == "id") {
        if (auto id = name_value(val, k, auth::kMaxKeyId)) {
          s.id = *id;
        } else {
          bad = true;
        }
        return;
      }
      if (have_value) {
        r_.error(r_.at(val), "secrets entry: both file and value", "keep one of them");
        bad = true;
        return;
      }
      have_value = true;
      auto text = r_.get_string(val, k);
      if (!text) {
        bad = true;
      } else if (k.key == "file") {
        auto read = r_.read_secret_file(val, "secrets file", *text);
        if (read) s.value = {std::move(*read), r_.at(val)};
        bad = bad || !read;
      } else if (text->size() < auth::kMinPoolSecret) {
        // The value is never echoed. Kept so `avedge check` can explain it as AVE-SECRET-002.
        r_.rule_error(r_.at(val), "secrets value: shorter than 16 characters",
                      "use a long random secret, e.g. the output of `openssl rand -hex 32`",
                      "AVE-SECRET-002");
        s.value = {std::move(*text), r_.at(val)};
      } else {
        s.value = {std::move(*text), r_.at(val)};
      }
    });
    if (bad) continue;
    if (s.id.value.empty() || !have_value) {
      r_.error(r_.at(e), "secrets entry: needs an id and a file or a value",
               "write { id = \"k1\", file = \"secrets/pool01-k1\" }");
      continue;
    }
    bool duplicate = false;
    for (const auto& other : p.secrets) {
      if (other.id.value == s.id.value) {
        r_.error(s.id.where,
                 fmt::format("secret id \"{}\" listed twice (first at {})", s.id.value,
                             other.id.where.to_string()),
                 "give each key its own id, e.g. k1, k2");
        duplicate = true;
      }
    }
    if (!duplicate) p.secrets.push_back(std::move(s));
  }
}

// --- [[frontend_pool]] -------------------------------------------------------

void TopologyLoader::frontend_pool(const TableSpec& spec, const toml::table& tbl,
                                   const toml::node& whole) {
  FrontendPool f;
  f.name.where = r_.at(whole);
  each_key(r_, spec, tbl,
           [&](const KeySpec& k, const toml::node& val) { frontend_key(f, k, val); });
  if (f.name.value.empty()) {
    r_.error(r_.at(whole), "[[frontend_pool]] without a name",
             "write name = \"POOL01\" below [[frontend_pool]]");
    return;
  }
  if (f.fqdn.value.empty()) {
    r_.error(f.name.where, fmt::format("[[frontend_pool]] {} has no fqdn", f.name.value),
             "write fqdn = \"pool01.contoso.com\": the name its TLS certificate carries");
  }
  if (f.edge_pool.value.empty()) {
    r_.error(f.name.where, fmt::format("[[frontend_pool]] {} has no edge_pool", f.name.value),
             "write edge_pool = \"EDGEPOOL01\": the home edge pool of its users");
  }
  t_.frontend_pools.push_back(std::move(f));
}

void TopologyLoader::frontend_key(FrontendPool& f, const KeySpec& spec, const toml::node& v) {
  const std::string_view k = spec.key;
  if (k == "name") {
    if (auto n = name_value(v, spec, auth::kMaxPoolName)) f.name = *n;
  } else if (k == "fqdn") {
    if (auto d = dns_value(v, spec)) f.fqdn = *d;
  } else if (k == "edge_pool") {
    if (auto n = name_value(v, spec, auth::kMaxPoolName)) f.edge_pool = *n;
  } else if (k == "addresses") {
    ip_list(v, spec, f.addresses);
  } else if (k == "api_key" || k == "api_key_file") {
    if (!f.api_key.value.empty()) {
      r_.error(r_.at(v), "api_key and api_key_file both given", "keep one of them");
      return;
    }
    auto s = r_.get_string(v, spec);
    if (!s) return;
    if (k == "api_key_file") {
      if (auto text = r_.read_secret_file(v, "api_key_file", *s)) {
        f.api_key = {std::move(*text), r_.at(v)};
      }
    } else if (s->size() < 16) {
      r_.error(r_.at(v), "api_key: shorter than 16 characters",
               "use a long random key, e.g. the output of `openssl rand -hex 32`");
    } else {
      f.api_key = {std::move(*s), r_.at(v)};
    }
  }
}

// --- [mras] ------------------------------------------------------------------

void TopologyLoader::mras_key(const KeySpec& spec, const toml::node& v) {
  if (spec.key == "sip_listen") {
    t_.mras.sip_listen.clear();
    r_.each_string(v, spec, [&](const toml::node& e, const std::string& s) {
      auto l = parse_listener(s);
      if (!l.ok()) {
        r_.add(value_error(r_.at(e), spec.key, s, l.problem));
        return;
      }
      if (l.value->kind != ListenerKind::Tcp && l.value->kind != ListenerKind::Tls) {
        r_.error(r_.at(e), fmt::format("sip_listen \"{}\": MRAS speaks SIP over TCP or TLS", s),
                 "write \"tls://10.0.0.11:5062\" or \"tcp://127.0.0.1:5062\"");
        return;
      }
      l.value->where = r_.at(e);
      t_.mras.sip_listen.push_back(*l.value);
    });
  } else if (spec.key == "http_listen") {
    Located<Endpoint> e;
    r_.string_value(v, spec, parse_endpoint, e);
    if (e.where.line != 0) t_.mras.http_listen = e;
  }
}

}  // namespace avedge::config
