// `avedge analyze FILE... [--json]`: explains captures (pcap/pcapng) and SDP (issue 4, part 3).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace avedge::cli {

struct AnalyzeOptions {
  std::vector<std::string> files;
  bool json = false;
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& opts);
// Exit codes: 0 nothing found, 1 findings, 2 a file could not be read.
int run_analyze(const AnalyzeOptions& opts);

}  // namespace avedge::cli
