#include "cli/perf_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "config/durations.hpp"
#include "perf/collect.hpp"
#include "perf/report_html.hpp"
#include "perf/stat_view.hpp"
#include "perf/table.hpp"
#include "perf/thresholds.hpp"

namespace avedge::cli {

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::optional<std::chrono::seconds> duration(const std::string& flag, const std::string& text) {
  const auto r = config::parse_duration(text);
  if (!r.ok() || r.value->count() <= 0) {
    fmt::print(stderr, "avedge: {} '{}': {}\n", flag, text,
               r.ok() ? "must be at least 1s" : r.problem.cause);
    return std::nullopt;
  }
  return *r.value;
}

std::optional<perf::PerfTemplate> load(const std::string& name) {
  auto r = perf::load_template(name);
  for (const auto& e : r.errors) fmt::print(stderr, "avedge: {}\n", e);
  return std::move(r.tmpl);
}

int run_collect(const PerfOptions& o) {
  const auto target = admin_target(o.admin);
  const auto interval = duration("--interval", o.interval);
  const auto total = duration("--duration", o.duration);
  const auto tmpl = load(o.tmpl);
  if (!target || !interval || !total || !tmpl) return kExitUsage;
  if (*total < *interval) {
    fmt::print(stderr, "avedge: --duration {} is shorter than --interval {}\n", o.duration,
               o.interval);
    return kExitUsage;
  }
  perf::CollectOptions c{*target, *interval, *total, o.output};
  fmt::print(stderr, "avedge: collecting template {} from {} every {} for {} into {}\n", tmpl->name,
             target->display(), o.interval, o.duration, o.output);
  const auto r = perf::collect(c, *tmpl, [&](const std::string& line) {
    if (!o.quiet) fmt::print(stderr, "  {}\n", line);
  });
  if (!r.error.empty()) {
    fmt::print(stderr, "avedge: {}\n", r.error);
    return kExitFailed;
  }
  fmt::print("{}: {} rows, {} series{}\n", o.output, r.rows, r.columns,
             r.failed_samples > 0 ? fmt::format(", {} failed samples", r.failed_samples) : "");
  return 0;
}

int run_report(const PerfOptions& o) {
  std::ifstream f(o.csv, std::ios::binary);
  if (!f) {
    fmt::print(stderr, "avedge: cannot read {}\n", o.csv);
    return kExitFailed;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  const auto parsed = perf::parse_csv(ss.str(), o.csv);
  if (!parsed.table) {
    fmt::print(stderr, "avedge: {}\n", parsed.error);
    return kExitUsage;
  }
  const auto tmpl = load(o.tmpl);
  if (!tmpl) return kExitUsage;
  const std::string html = perf::render_report(*parsed.table, *tmpl, o.csv);
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  out << html;
  if (!out) {
    fmt::print(stderr, "avedge: cannot write {}\n", o.output);
    return kExitFailed;
  }
  const auto crossings = perf::find_crossings(*parsed.table, *tmpl);
  fmt::print("{}: {} samples, {} threshold crossings\n", o.output, parsed.table->rows.size(),
             crossings.size());
  return 0;
}

}  // namespace

CLI::App* add_stat_command(CLI::App& app, StatOptions& o) {
  CLI::App* s = app.add_subcommand("stat", "Live view of the key counters, like top");
  add_admin_options(s, o.admin);
  s->add_option("--interval", o.interval, "Refresh interval")->capture_default_str();
  s->add_option("--count", o.count, "Exit after N refreshes (0: until Ctrl-C)");
  return s;
}

CLI::App* add_perf_command(CLI::App& app, PerfOptions& o) {
  CLI::App* p = app.add_subcommand("perf", "Collect counters to CSV; report a CSV as HTML");
  p->require_subcommand(1);
  o.collect = p->add_subcommand("collect", "Sample the admin API's counters into a CSV file");
  o.collect->add_option("--template", o.tmpl, "edge, mras, all, or a template .toml file")
      ->default_val("edge");
  o.collect->add_option("--interval", o.interval, "Sampling interval")->capture_default_str();
  o.collect->add_option("--duration", o.duration, "How long to collect")->capture_default_str();
  o.collect->add_option("-o,--output", o.output, "CSV file to write")->required();
  o.collect->add_flag("-q,--quiet", o.quiet, "No progress lines");
  add_admin_options(o.collect, o.admin);
  o.report = p->add_subcommand("report", "Turn a CSV into one self-contained HTML report");
  o.report->add_option("csv", o.csv, "CSV written by perf collect")->required();
  o.report
      ->add_option("--template", o.tmpl, "Groups and threshold rules: edge, mras, all, or a file")
      ->default_val("all");
  o.report->add_option("-o,--output", o.output, "HTML file to write")->required();
  return p;
}

int run_stat(const StatOptions& o) {
  const auto target = admin_target(o.admin);
  const auto interval = duration("--interval", o.interval);
  if (!target || !interval) return kExitUsage;
  const bool tty = isatty(STDOUT_FILENO) != 0;
  std::optional<perf::Snapshot> prev;
  auto next = std::chrono::steady_clock::now();
  for (unsigned i = 0; o.count == 0 || i < o.count; ++i) {
    if (i > 0) std::this_thread::sleep_until(next);
    next += *interval;
    auto f = perf::fetch_snapshot(*target);
    if (!f.snapshot) {
      fmt::print(stderr, "avedge: {}\n", f.error);
      if (i == 0) return kExitFailed;
      continue;
    }
    const std::string view = perf::render_stat(*f.snapshot, prev, target->display());
    // On a terminal: clear and redraw (ANSI ED 2 + cursor home); otherwise blocks in sequence.
    fmt::print("{}{}{}", tty ? "\x1b[H\x1b[2J" : "", view, tty ? "" : "\n");
    std::fflush(stdout);
    prev = std::move(f.snapshot);
  }
  return 0;
}

int run_perf(const PerfOptions& o) {
  return o.collect->parsed() ? run_collect(o) : run_report(o);
}

}  // namespace avedge::cli
