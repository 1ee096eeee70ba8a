// avedge: one binary, subcommands that read like the operator's job (DESIGN.md §1).
#include <CLI/CLI.hpp>

#include "cli/analyze_command.hpp"
#include "cli/bench_command.hpp"
#include "cli/check_command.hpp"
#include "cli/creds_command.hpp"
#include "cli/drain_command.hpp"
#include "cli/events_command.hpp"
#include "cli/perf_command.hpp"
#include "cli/probe_command.hpp"
#include "cli/reload_command.hpp"
#include "cli/serve_command.hpp"

namespace {
constexpr const char* kVersion = "avedge 0.1.0";
}

int main(int argc, char** argv) {
  CLI::App app{"avedge: a STUN/TURN edge server"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);

  avedge::cli::ServeOptions serve_opts;
  CLI::App* serve = avedge::cli::add_serve_command(app, serve_opts);
  avedge::cli::CredsOptions creds_opts;
  CLI::App* creds = avedge::cli::add_creds_command(app, creds_opts);
  avedge::cli::CheckOptions check_opts;
  CLI::App* check = avedge::cli::add_check_command(app, check_opts);
  avedge::cli::AnalyzeOptions analyze_opts;
  CLI::App* analyze = avedge::cli::add_analyze_command(app, analyze_opts);
  avedge::cli::EventsOptions events_opts;
  CLI::App* events = avedge::cli::add_events_command(app, events_opts);
  avedge::cli::StatOptions stat_opts;
  CLI::App* stat = avedge::cli::add_stat_command(app, stat_opts);
  avedge::cli::PerfOptions perf_opts;
  CLI::App* perf = avedge::cli::add_perf_command(app, perf_opts);

  avedge::cli::BenchCommandOptions bench_opts;
  CLI::App* bench = avedge::cli::add_bench_command(app, bench_opts);

  avedge::cli::ProbeCommandOptions probe_opts;
  CLI::App* probe = avedge::cli::add_probe_command(app, probe_opts);

  avedge::cli::DrainOptions drain_opts;
  CLI::App* drain = avedge::cli::add_drain_command(app, drain_opts);
  avedge::cli::ReloadOptions reload_opts;
  CLI::App* reload = avedge::cli::add_reload_command(app, reload_opts);

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return avedge::cli::run_serve(serve_opts);
  if (creds->parsed()) return avedge::cli::run_creds(creds_opts);
  if (check->parsed()) return avedge::cli::run_check(check_opts);
  if (analyze->parsed()) return avedge::cli::run_analyze(analyze_opts);
  if (events->parsed()) return avedge::cli::run_events(events_opts);
  if (stat->parsed()) return avedge::cli::run_stat(stat_opts);
  if (perf->parsed()) return avedge::cli::run_perf(perf_opts);
  if (bench->parsed()) return avedge::cli::run_bench_command(bench_opts);
  if (probe->parsed()) return avedge::cli::run_probe_command(probe_opts);
  if (drain->parsed()) return avedge::cli::run_drain(drain_opts);
  if (reload->parsed()) return avedge::cli::run_reload(reload_opts);
  return 1;
}
