#include "cli/analyze_command.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "diag/analyze.hpp"

namespace avedge::cli {

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& opts) {
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Explain a capture (pcap/pcapng) or an SDP / log with candidates: STUN/TURN transactions, "
      "errors, unanswered requests, missing candidates");
  cmd->add_option("files", opts.files, "capture, SDP or log files")->required();
  cmd->add_flag("--json", opts.json, "print one JSON array (one object per file)");
  return cmd;
}

int run_analyze(const AnalyzeOptions& opts) {
  std::vector<diag::FileReport> reports;
  for (const std::string& f : opts.files) reports.push_back(diag::analyze_file(f));
  if (opts.json) {
    fmt::print("{}", diag::format_analysis_json(reports));
  } else {
    fmt::print("{}", diag::format_analysis_human(reports, isatty(STDOUT_FILENO) == 1));
  }
  for (const diag::FileReport& r : reports) {
    if (!r.error.empty()) fmt::print(stderr, "avedge analyze: {}\n", r.error);
  }
  return diag::analyze_exit_status(reports);
}

}  // namespace avedge::cli
