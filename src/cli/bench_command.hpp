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
  double max_loss = 1;  // throughput: a loss above this exits 1 (1: never)
  bench::BenchOptions bench;
};

CLI::App* add_bench_command(CLI::App& app, BenchCommandOptions& o);
// 0: every allocation was made and (throughput) no more was lost than --max-loss;
// 1: failed allocations or more loss; 2: bad arguments or sockets.
int run_bench_command(BenchCommandOptions& o);

}  // namespace avedge::cli
