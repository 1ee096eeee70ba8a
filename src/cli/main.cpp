// avedge: one binary, subcommands that read like the operator's job (DESIGN.md §1).
#include <CLI/CLI.hpp>

#include "cli/bench_command.hpp"
#include "cli/check_command.hpp"
#include "cli/creds_command.hpp"
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

  avedge::cli::BenchCommandOptions bench_opts;
  CLI::App* bench = avedge::cli::add_bench_command(app, bench_opts);

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return avedge::cli::run_serve(serve_opts);
  if (creds->parsed()) return avedge::cli::run_creds(creds_opts);
  if (check->parsed()) return avedge::cli::run_check(check_opts);
  if (bench->parsed()) return avedge::cli::run_bench_command(bench_opts);
  return 1;
}
