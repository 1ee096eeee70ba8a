// `avedge bench` (issue 7): the TURN load generator. Throughput, setup-rate and hold modes
// against a running edge; one JSON line at the end for bench/compare.sh.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "bench/load_generator.hpp"

namespace avedge::cli {

struct BenchCommandOptions {
  std::string server = "127.0.0.1:3478";
  std::string client_ip = "127.0.0.1";
  std::string peer_ip = "127.0.0.1";
  std::string user;  // NAME:PASS
  std::string mode = "throughput";
  std::string data = "channel";
  std::string transport = "udp";
  bool both = false;
  bool json_only = false;
  bench::BenchOptions bench;
};

CLI::App* add_bench_command(CLI::App& app, BenchCommandOptions& o);
// 0: every allocation was made and (throughput) nothing was lost beyond --max-loss;
// 1: failures or loss; 2: bad arguments or sockets.
int run_bench_command(BenchCommandOptions& o);

}  // namespace avedge::cli
