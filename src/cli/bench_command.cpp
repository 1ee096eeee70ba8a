#include "cli/bench_command.hpp"

#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

namespace avedge::cli {

namespace {
constexpr int kExitUsage = 2;
}

CLI::App* add_bench_command(CLI::App& app, BenchCommandOptions& o) {
  CLI::App* b = app.add_subcommand(
      "bench", "TURN load generator: relay throughput, allocation setup rate, held allocations");
  b->add_option("--server", o.server, "the edge's listener, IP:PORT (UDP, TCP or TLS: --transport)")
      ->capture_default_str();
  b->add_option("--transport", o.transport,
                "udp, tcp or tls toward the edge (one connection per allocation, opened before "
                "the setup clock starts); the relay to the peer is UDP")
      ->capture_default_str();
  b->add_flag("--insecure", o.bench.tls.insecure, "with tls: do not verify the certificate");
  b->add_option("--cafile", o.bench.tls.ca_file,
                "with tls: trust anchors (default: the system's), PEM");
  b->add_option("--server-name", o.bench.tls.server_name,
                "with tls: the name to verify and send as SNI (default: --server's IP)");
  b->add_option("--mode", o.mode, "throughput, setup or hold")->capture_default_str();
  b->add_option("--user", o.user, "static credential NAME:PASS");
  b->add_option("--secret", o.bench.rest_secret, "TURN REST secret (one username per allocation)");
  b->add_option("-n,--allocations", o.bench.allocations, "allocations")->capture_default_str();
  b->add_option("--data", o.data, "channel (ChannelData) or send (Send/Data indications)")
      ->capture_default_str();
  b->add_flag("--both", o.both, "relay both ways (peer to client too), each at --rate");
  b->add_option("--payload", o.bench.payload, "payload bytes (at least 24)")->capture_default_str();
  b->add_option("--rate", o.bench.rate, "packets/s per direction, all allocations; 0 = max")
      ->capture_default_str();
  b->add_option("--duration", o.bench.duration, "seconds of traffic (or of holding)")
      ->capture_default_str();
  b->add_option("--batch", o.bench.batch, "packets per send (one UDP GSO buffer or sendmmsg)")
      ->capture_default_str();
  b->add_flag("!--no-gso", o.bench.gso,
              "send with sendmmsg instead of UDP GSO (the generator then costs as much per packet "
              "as the server it measures)");
  b->add_flag("--spin", o.bench.spin,
              "poll instead of sleeping between sends, so that relayed datagrams never wake the "
              "generator (on one host their sender pays that wake-up; a remote peer's would not)");
  b->add_option("--window", o.bench.window, "handshakes in flight")->capture_default_str();
  b->add_option("--client-ip", o.client_ip, "address of the client sockets")->capture_default_str();
  b->add_option("--peer-ip", o.peer_ip,
                "address of the peer socket (the edge must allow it: --allow-peer)")
      ->capture_default_str();
  b->add_option("--peer-port", o.bench.peer_port, "port of the peer socket (0: any)");
  b->add_flag("--raw", o.bench.raw,
              "no TURN: send the payloads to --server, a bare UDP forwarder (bench/udp_forwarder)");
  b->add_option("--raw-relay-base", o.bench.raw_relay_base,
                "with --raw: session i's relay port is this + i (bench/fanout_forwarder)");
  b->add_option("--max-loss", o.max_loss,
                "throughput: exit 1 when more than this fraction of the packets is lost (default "
                "1: never)")
      ->capture_default_str();
  b->add_flag("--json", o.json_only, "print only the JSON line");
  return b;
}

int run_bench_command(BenchCommandOptions& o) {
  bench::BenchOptions& b = o.bench;
  const auto server = Endpoint::parse(o.server);
  const auto client = IpAddress::parse(o.client_ip);
  const auto peer = IpAddress::parse(o.peer_ip);
  if (!server || !client || !peer) {
    fmt::print(stderr,
               "avedge bench: --server IP:PORT, --client-ip and --peer-ip must be "
               "addresses\n");
    return kExitUsage;
  }
  b.server = *server;
  if (o.transport == "udp") {
    b.transport = bench::Transport::Udp;
  } else if (o.transport == "tcp") {
    b.transport = bench::Transport::Tcp;
  } else if (o.transport == "tls") {
    b.transport = bench::Transport::Tls;
    if (b.tls.server_name.empty()) b.tls.server_name = server->ip.to_string();
  } else {
    fmt::print(stderr, "avedge bench: --transport {}: write udp, tcp or tls\n", o.transport);
    return kExitUsage;
  }
  b.client_ip = *client;
  b.peer_ip = *peer;
  if (o.mode == "throughput") {
    b.mode = bench::Mode::Throughput;
  } else if (o.mode == "setup") {
    b.mode = bench::Mode::Setup;
  } else if (o.mode == "hold") {
    b.mode = bench::Mode::Hold;
  } else {
    fmt::print(stderr, "avedge bench: --mode {}: write throughput, setup or hold\n", o.mode);
    return kExitUsage;
  }
  if (o.data != "channel" && o.data != "send") {
    fmt::print(stderr, "avedge bench: --data {}: write channel or send\n", o.data);
    return kExitUsage;
  }
  b.channel_data = o.data == "channel";
  b.both_directions = o.both;
  if (const size_t colon = o.user.find(':'); colon != std::string::npos) {
    b.username = o.user.substr(0, colon);
    b.password = o.user.substr(colon + 1);
  } else if (b.rest_secret.empty() && !b.raw) {
    fmt::print(stderr, "avedge bench: give --user NAME:PASS or --secret SECRET\n");
    return kExitUsage;
  }
  if (b.raw_relay_base != 0 &&
      (!b.raw || uint64_t{b.raw_relay_base} + b.allocations > uint64_t{65536})) {
    fmt::print(stderr,
               "avedge bench: --raw-relay-base needs --raw, and the base plus --allocations "
               "must stay within port 65535\n");
    return kExitUsage;
  }
  if (!(o.max_loss >= 0 && o.max_loss <= 1)) {
    fmt::print(stderr, "avedge bench: --max-loss {}: a fraction from 0 to 1 (0.01 is 1%)\n",
               o.max_loss);
    return kExitUsage;
  }
  if (b.allocations == 0 || b.batch == 0 || b.window == 0) {
    fmt::print(stderr, "avedge bench: --allocations, --batch and --window must be above 0\n");
    return kExitUsage;
  }
  try {
    const bench::BenchResult r = bench::run_bench(b);
    if (!o.json_only) fmt::print(stderr, "{}", bench::format_result_human(r, b));
    fmt::print("{}", bench::format_result_json(r, b));
    std::fflush(stdout);
    const bool lost_too_much = b.mode == bench::Mode::Throughput && r.loss() > o.max_loss;
    return r.failed == 0 && r.ready > 0 && !lost_too_much ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "avedge bench: {}\n", e.what());
    return kExitUsage;
  }
}

}  // namespace avedge::cli
