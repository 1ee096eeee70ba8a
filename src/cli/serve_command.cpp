#include "cli/serve_command.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "admin/admin_server.hpp"
#include "admin/reload.hpp"
#include "cli/banner.hpp"
#include "config/dev_credentials.hpp"
#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "config/runtime.hpp"
#include "config/self_signed_cert.hpp"
#include "mras/events.hpp"
#include "mras/service.hpp"
#include "net/descriptor_table.hpp"
#include "net/event_log.hpp"
#include "net/server_runner.hpp"

namespace avedge::cli {

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitConfig = 2;

int report(const config::Errors& errors) {
  for (const auto& e : errors) fmt::print(stderr, "avedge: {}\n", e.to_string());
  return kExitConfig;
}

// The descriptors the relay sockets can need, reserved at start: the soft limit raised up to
// the hard one, the descriptor table grown once (no RCU stall per doubling while relaying).
void reserve_relay_descriptors(const config::Config& cfg) {
  const uint64_t need = config::descriptors_needed(cfg);
  const net::DescriptorTable t = net::reserve_descriptors(need);
  if (t.soft_limit > t.soft_limit_before) {
    spdlog::info("file descriptors: soft limit raised from {} to {} for the relay sockets",
                 t.soft_limit_before, t.soft_limit);
  }
  if (t.soft_limit < need) {
    spdlog::warn(
        "file descriptors: the relay sockets may need {} (relay_ports, quota.total) but the hard "
        "limit is {}: beyond about {} allocations Allocate fails; raise LimitNOFILE (avedge "
        "check: AVE-PORTS-002)",
        need, t.hard_limit,
        t.soft_limit > config::kDescriptorReserve ? t.soft_limit - config::kDescriptorReserve : 0);
  }
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeOptions& o) {
  CLI::App* s = app.add_subcommand("serve", "Run the STUN/TURN edge");
  s->add_option("-c,--config", o.config_file,
                "Configuration file (TOML); without it the embedded default is used");
  s->add_option("--listen", o.overrides.listen,
                "Listener URL: udp://IP:PORT, tcp://, tls://, tcp+tls:// (repeat; replaces the "
                "file's list)");
  s->add_option("--relay-ip", o.overrides.relay_ips,
                "Relay address, one IPv4 and/or one IPv6 (repeat; replaces the file's list)");
  o.relay_ports_opt =
      s->add_option("--relay-ports", o.relay_ports, "Relay port range, e.g. 50000-59999");
  o.realm_opt = s->add_option("--realm", o.realm, "Realm of the long-term credentials");
  s->add_option("--user", o.overrides.users,
                "Static user NAME:PASS (repeat; replaces the file's users)");
  s->add_option("--secret", o.overrides.secrets,
                "TURN REST secret (repeat; replaces the file's secrets)");
  s->add_option("--allow-peer", o.overrides.allow_peers,
                "CIDR that relays may reach despite the denies (repeat; replaces the file's list)");
  o.workers_opt = s->add_option("--workers", o.workers, "Worker threads; 0 = one per core");
  o.log_level_opt =
      s->add_option("--log-level", o.log_level, "trace, debug, info, warn, error, critical, off");
  o.admin_opt = s->add_option("--admin", o.admin,
                              "Admin API (metrics, sessions) ADDR:PORT, or off; default "
                              "127.0.0.1:9090");
  return s;
}

int run_serve(ServeOptions& o) {
  // Logs go to stderr; stdout carries the banner and "avedge: ready".
  spdlog::set_default_logger(spdlog::stderr_color_mt("avedge"));

  if (o.relay_ports_opt->count() > 0) o.overrides.relay_ports = o.relay_ports;
  if (o.realm_opt->count() > 0) o.overrides.realm = o.realm;
  if (o.workers_opt->count() > 0) o.overrides.workers = o.workers;
  if (o.log_level_opt->count() > 0) o.overrides.log_level = o.log_level;
  if (o.admin_opt->count() > 0) o.overrides.admin = o.admin;

  config::LoadResult loaded =
      o.config_file.empty() ? config::load_embedded_default() : config::load_file(o.config_file);
  if (!loaded.ok()) return report(loaded.errors);
  config::Config cfg = std::move(loaded.config);

  if (auto errors = config::apply_overrides(o.overrides, cfg); !errors.empty()) {
    return report(errors);
  }
  const config::DevCredentials dev = config::add_dev_credentials(cfg);
  if (auto errors = config::finalize(cfg); !errors.empty()) return report(errors);

  spdlog::set_level(spdlog::level::from_str(cfg.log_level.value));
  reserve_relay_descriptors(cfg);  // before any thread starts (net/descriptor_table.hpp)
  // The JSON event log (docs/EVENTS.md): [log] events, events_rate; filtered by [log] level.
  {
    const net::EventLogSettings ev{cfg.log_events.value,
                                   net::severity_for_level(cfg.log_level.value),
                                   cfg.log_events_rate.value};
    std::string ev_error;
    if (!net::configure_event_log(ev, ev_error)) {
      fmt::print(stderr, "avedge: {}: {}\n", cfg.log_events.where.to_string(), ev_error);
      return kExitConfig;
    }
    mras::set_event_writer([](const mras::EventEntry& e, std::string_view fields) {
      net::log_event_fields({static_cast<uint16_t>(e.id), e.name, turn::to_string(e.severity)},
                            e.severity, fields);
    });
  }

  std::string tls_error;
  const std::optional<std::string> generated_cert = config::prepare_tls(cfg, tls_error);
  if (!tls_error.empty()) {
    fmt::print(stderr, "avedge: cannot generate the self-signed certificate: {}\n", tls_error);
    return kExitRuntime;
  }
  const bool pool_keys = [&] {
    const auto* pool = cfg.topology.find_pool(cfg.topology.this_pool.value);
    return pool != nullptr && !pool->secrets.empty();
  }();
  if (cfg.users.empty() && cfg.secrets.empty() && !pool_keys) {
    spdlog::warn("no user and no secret configured: only STUN Binding will succeed");
  }

  const unsigned workers = cfg.workers.value != 0
                               ? cfg.workers.value
                               : std::max(1U, std::thread::hardware_concurrency());
  // Threads started from here on inherit this mask: SIGINT, SIGTERM and SIGHUP (reload) are
  // taken by run_server's sigwait only, never by an MRAS thread (SIGHUP would end the process).
  {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  // MRAS (issue 3) runs beside the relay on its own thread; nothing starts without [mras].
  mras::Service mras_service(cfg);
  try {
    mras_service.start();
  } catch (const std::exception& e) {
    fmt::print(stderr, "avedge: MRAS: {}\n", e.what());
    return kExitRuntime;
  }
  // The admin API (issue 5) attaches to the running workers once they run.
  std::unique_ptr<admin::AdminServer> admin_api;
  // Hot reload (issue 6 item 7): SIGHUP and POST /api/v1/reload.
  std::unique_ptr<admin::Reloader> reloader;
  net::RunHooks hooks;
  hooks.reload = [&] {
    if (!reloader) return;
    const admin::ReloadOutcome out = reloader->run(false);
    for (const auto& c : out.changes) spdlog::info("reload: {}", config::to_string(c, false));
    for (const auto& e : out.errors) spdlog::error("reload refused: {}", e);
    spdlog::info(
        "{{\"event\":\"config.reloaded\",\"trigger\":\"SIGHUP\",\"changes\":{},"
        "\"refused\":{}}}",
        out.changes.size(), out.status == admin::ReloadOutcome::Status::Refused);
  };
  hooks.started = [&](net::ServerRunner& runner) -> std::string {
    reloader = std::make_unique<admin::Reloader>(o.config_file, o.overrides, cfg, runner);
    if (!cfg.admin.listen.value) return {};
    admin_api = std::make_unique<admin::AdminServer>(admin::AdminOptions::from(cfg.admin), runner,
                                                     cfg, &mras_service.counters());
    admin_api->set_reload([&](bool dry_run) {
      const admin::ReloadOutcome out = reloader->run(dry_run);
      if (!dry_run) {
        for (const auto& c : out.changes) spdlog::info("reload: {}", config::to_string(c, false));
        for (const auto& e : out.errors) spdlog::error("reload refused: {}", e);
      }
      return std::make_pair(admin::outcome_http_status(out), admin::outcome_json(out));
    });
    try {
      admin_api->start();
    } catch (const std::exception& e) {
      admin_api.reset();
      // Only a configured address is fatal: with the built-in default, several edges (tests)
      // can share a host and the later ones run without an admin API.
      if (cfg.admin.explicit_listen()) {
        return fmt::format("{}: {}", cfg.admin.listen.where.to_string(), e.what());
      }
      spdlog::warn("{}; running without the admin API (set [admin] listen or --admin)", e.what());
    }
    return {};
  };
  hooks.stopping = [&] {
    if (admin_api) admin_api->stop();
  };
  const int rc = net::run_server(
      cfg,
      [&](const std::vector<config::Listener>& bound) {
        BannerInput in{&cfg, bound, dev, generated_cert, workers};
        fmt::print("{}", make_banner(in));
        if (admin_api) fmt::print("  admin   {}/metrics\n", admin_api->url());
        const auto& sip = cfg.topology.mras.sip_listen;
        const auto sip_ports = mras_service.sip_ports();
        for (size_t i = 0; i < sip.size() && i < sip_ports.size(); ++i) {
          fmt::print("  mras    sip {}://{}\n", config::scheme(sip[i].kind),
                     Endpoint{sip[i].endpoint.ip, sip_ports[i]}.to_string());
        }
        if (auto p = mras_service.http_port()) {
          const Endpoint http{cfg.topology.mras.http_listen->value.ip, *p};
          fmt::print("  mras    http://{}\n", http.to_string());
          if (!dev.api_key.empty() && !cfg.topology.sip_domains.empty()) {
            // A web app's view of MRAS (docs/MRAS.md): the development front end's generated key.
            fmt::print(
                "MRAS credentials for a web app (API key of {}, new at every start):\n"
                "  curl -s -H 'Authorization: Bearer {}' "
                "'http://{}/api/v1/turn-credentials?user=sip:alice@{}&ttl=3600'\n",
                dev.api_key_frontend, dev.api_key, http.to_string(),
                cfg.topology.sip_domains.front().value);
          }
        }
        fmt::print("avedge: ready\n");
        std::fflush(stdout);
      },
      hooks);
  admin_api.reset();
  mras_service.stop();
  return rc;
}

}  // namespace avedge::cli
