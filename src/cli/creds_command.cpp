#include "cli/creds_command.hpp"

#include <cstdio>
#include <ctime>
#include <string_view>

#include <fmt/format.h>

#include "auth/credentials.hpp"
#include "auth/pool_credentials.hpp"
#include "config/durations.hpp"
#include "config/loader.hpp"
#include "config/topology.hpp"
#include "core/crypto.hpp"
#include "net/event_log.hpp"

namespace avedge::cli {

namespace {

constexpr int kExitNotPool = 1;
constexpr int kExitConfig = 2;

UnixSeconds unix_now() {
  return static_cast<UnixSeconds>(std::time(nullptr));
}

std::string iso_time(UnixSeconds t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return std::to_string(t);
  std::array<char, 32> buf{};
  const size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

// "7h59m", "3m20s", "12s": a readable span of time.
std::string human(int64_t s) {
  if (s < 0) s = -s;
  const int64_t d = s / 86400;
  const int64_t h = s % 86400 / 3600;
  const int64_t m = s % 3600 / 60;
  std::string out;
  if (d > 0) out += fmt::format("{}d", d);
  if (h > 0) out += fmt::format("{}h", h);
  if (m > 0 && d == 0) out += fmt::format("{}m", m);
  if (s < 60 || (s < 3600 && s % 60 != 0)) out += fmt::format("{}s", s % 60);
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  net::append_json_escaped(out, s);
  out += '"';
  return out;
}

// The configuration of -c, or the embedded default; prints the errors.
std::optional<config::Config> load(const CredsOptions& o, std::string& name) {
  config::LoadResult r =
      o.config_file.empty() ? config::load_embedded_default() : config::load_file(o.config_file);
  name = o.config_file.empty() ? "the embedded default" : o.config_file;
  if (!r.ok()) {
    for (const auto& e : r.errors) fmt::print(stderr, "avedge: {}\n", e.to_string());
    return std::nullopt;
  }
  return std::move(r.config);
}

std::string pool_list(const config::Topology& t) {
  std::string list;
  for (const auto& p : t.edge_pools) list += (list.empty() ? "" : ", ") + p.name.value;
  return list.empty() ? std::string("none") : list;
}

int run_issue(const CredsOptions& o) {
  std::string name;
  const auto cfg = load(o, name);
  if (!cfg) return kExitConfig;
  const config::Topology& t = cfg->topology;
  const config::EdgePool* pool = t.find_pool(o.pool);
  if (pool == nullptr) {
    fmt::print(stderr, "avedge: {} has no [[edge_pool]] named \"{}\" (edge pools: {})\n", name,
               o.pool, pool_list(t));
    return kExitConfig;
  }
  if (pool->secrets.empty()) {
    fmt::print(stderr,
               "avedge: {}: [[edge_pool]] {} has no secrets; fix: write secrets = [{{ id = "
               "\"k1\", file = \"secrets/{}-k1\" }}]\n",
               pool->name.where.to_string(), pool->name.value, pool->name.value);
    return kExitConfig;
  }
  Seconds lifetime = pool->token_lifetime.value;
  if (!o.lifetime.empty()) {
    auto d = config::parse_duration(o.lifetime);
    if (!d.ok() || d.value->count() <= 0) {
      fmt::print(stderr, "avedge: --lifetime \"{}\": {}; fix: {}\n", o.lifetime,
                 d.ok() ? "must be positive" : d.problem.cause,
                 d.ok() ? "write --lifetime 8h" : d.problem.fix);
      return kExitConfig;
    }
    lifetime = *d.value;
  }
  if (!t.sip_domains.empty() && !t.in_sip_domains(o.user)) {
    fmt::print(stderr,
               "avedge: warning: \"{}\" is not in [topology] sip_domains; MRAS would "
               "refuse it\n",
               o.user);
  }
  const auto& secret = pool->secrets.front();  // the first key issues (rotation: list it first)
  const auth::PoolKey key{secret.id.value, secret.value.value};
  const auto c = auth::issue_pool_credential(pool->name.value, key, o.user, unix_now(), lifetime);
  if (c.username.empty()) {
    fmt::print(stderr,
               "avedge: --user \"{}\": 1 to {} bytes without control characters; fix: write "
               "--user sip:alice@contoso.com\n",
               o.user, auth::kMaxIdentity);
    return kExitConfig;
  }
  if (o.json) {
    fmt::print(
        "{{\"username\":{},\"password\":{},\"expiry\":{},\"expires\":{},\"ttl\":{},"
        "\"pool\":{},\"key_id\":{},\"identity\":{}}}\n",
        json_string(c.username), json_string(c.password), c.expiry, json_string(iso_time(c.expiry)),
        lifetime.count(), json_string(pool->name.value), json_string(key.id), json_string(o.user));
    return 0;
  }
  fmt::print(
      "username: {}\npassword: {}\nexpires:  {} (in {})\npool:     {} (key {})\n"
      "identity: {}\n",
      c.username, c.password, iso_time(c.expiry), human(lifetime.count()), pool->name.value, key.id,
      o.user);
  return 0;
}

// Whether this configuration can check the credential's HMAC, and why not.
struct Verdict {
  bool can_validate = false;
  std::string text;
  const config::PoolSecret* secret = nullptr;
};

Verdict can_validate(const config::Topology& t, const auth::PoolCredentialInfo& info,
                     const std::string& name) {
  Verdict v;
  const config::EdgePool* p = t.find_pool(info.pool);
  if (p == nullptr) {
    v.text = fmt::format("no: {} has no [[edge_pool]] {} (edge pools: {})", name, info.pool,
                         pool_list(t));
    return v;
  }
  std::string ids;
  for (const auto& s : p->secrets) {
    if (s.id.value == info.key_id) v.secret = &s;
    ids += (ids.empty() ? "" : ", ") + s.id.value;
  }
  if (v.secret == nullptr) {
    v.text = fmt::format("no: [[edge_pool]] {} ({}) lists no key {} (keys: {})", info.pool,
                         p->name.where.to_string(), info.key_id, ids.empty() ? "none" : ids);
    return v;
  }
  v.can_validate = true;
  v.text = fmt::format("yes (pool {}, key {})", info.pool, info.key_id);
  return v;
}

// What an edge of this configuration ([edge] pool) answers, as its reason code.
std::string edge_answer(const config::Topology& t, const auth::PoolCredentialInfo& info,
                        const Verdict& v, UnixSeconds now) {
  if (t.this_pool.value.empty()) return "no [edge] pool: this edge accepts no pool credential";
  const std::string& here = t.this_pool.value;
  if (info.pool != here) {
    return fmt::format(
        "{} rejects it (auth.foreign_pool): issued by {}; check [[edge_pool]] {} "
        "public_fqdn",
        here, info.pool, info.pool);
  }
  if (info.expiry < now) return fmt::format("{} rejects it (auth.expired_credential)", here);
  if (!v.can_validate) return fmt::format("{} rejects it (auth.unknown_key_id)", here);
  return fmt::format("{} accepts it", here);
}

int run_inspect(const CredsOptions& o) {
  const auto info = auth::decode_pool_username(o.username);
  if (!info) {
    const bool rest = o.username.find(':') != std::string::npos;
    fmt::print(stderr, "avedge: not a pool credential{}\n",
               rest ? " (it looks like a TURN REST username \"expiry:user\")" : "");
    return kExitNotPool;
  }
  std::string name;
  const auto cfg = load(o, name);
  if (!cfg) return kExitConfig;
  const UnixSeconds now = unix_now();
  const bool expired = info->expiry < now;
  const std::string when = expired ? fmt::format("expired {} ago", human(now - info->expiry))
                                   : fmt::format("valid for {}", human(info->expiry - now));
  const Verdict v = can_validate(cfg->topology, *info, name);
  const std::string edge = edge_answer(cfg->topology, *info, v, now);
  std::string password;
  if (!o.password.empty() && v.secret != nullptr) {
    const auth::PoolKey key{v.secret->id.value, v.secret->value.value};
    const auto expect = auth::pool_password(key, o.username);
    password = crypto::equal_ct(crypto::as_bytes(expect), crypto::as_bytes(o.password))
                   ? "matches"
                   : "does not match";
  }
  if (o.json) {
    fmt::print(
        "{{\"pool\":{},\"key_id\":{},\"expiry\":{},\"expires\":{},\"expired\":{},"
        "\"identity\":{},\"can_validate\":{},\"validation\":{},\"edge\":{}{}}}\n",
        json_string(info->pool), json_string(info->key_id), info->expiry,
        json_string(iso_time(info->expiry)), expired ? "true" : "false",
        json_string(info->identity), v.can_validate ? "true" : "false", json_string(v.text),
        json_string(edge), password.empty() ? "" : ",\"password\":" + json_string(password));
    return 0;
  }
  fmt::print(
      "pool:      {}\nkey id:    {}\nexpiry:    {} ({})\nidentity:  {}\n"
      "validates: {}\nedge:      {}\n",
      info->pool, info->key_id, iso_time(info->expiry), when, info->identity, v.text, edge);
  if (!password.empty()) fmt::print("password:  {}\n", password);
  return 0;
}

}  // namespace

CLI::App* add_creds_command(CLI::App& app, CredsOptions& o) {
  CLI::App* c = app.add_subcommand("creds", "Issue or inspect pool credentials offline");
  c->require_subcommand(1);
  o.issue = c->add_subcommand("issue", "Mint a credential of a pool with its first key");
  o.issue->add_option("--pool", o.pool, "Edge pool name, e.g. EDGEPOOL01")->required();
  o.issue->add_option("--user", o.user, "Identity, e.g. sip:alice@contoso.com")->required();
  o.issue->add_option("--lifetime", o.lifetime,
                      "Validity, e.g. 8h or 30m (default: the pool's token_lifetime)");
  o.inspect = c->add_subcommand("inspect", "Decode a pool username and check it against -c");
  o.inspect->add_option("username", o.username, "The base64 username")->required();
  o.inspect->add_option("--password", o.password, "Also check this password against the key");
  for (CLI::App* s : {o.issue, o.inspect}) {
    s->add_option("-c,--config", o.config_file,
                  "Configuration file (TOML); without it the embedded default is used");
    s->add_flag("--json", o.json, "Print one JSON object");
  }
  return c;
}

int run_creds(const CredsOptions& o) {
  if (o.issue->parsed()) return run_issue(o);
  if (o.inspect->parsed()) return run_inspect(o);
  return kExitConfig;
}

}  // namespace avedge::cli
