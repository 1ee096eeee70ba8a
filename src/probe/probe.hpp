// `avedge probe`: an outside-in test of an edge pool. Gets a user's credentials from MRAS as a
// front end, resolves the relay host of the answer, then per transport runs Binding, Allocate,
// CreatePermission, Send/Data, ChannelBind, ChannelData, Refresh and deallocation against a UDP
// echo peer it opens itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "probe/explain.hpp"
#include "probe/mras_client.hpp"
#include "probe/report.hpp"
#include "probe/turn_client.hpp"

namespace avedge::probe {

struct ProbeOptions {
  std::string pool;      // --pool
  std::string user;      // --user
  std::string frontend;  // --as (name or fqdn); empty: the first authorized one
  std::string mras;      // --mras sip|http; empty: SIP when configured
  std::vector<Proto> transports{Proto::Udp, Proto::Tcp, Proto::Tls};
  int timeout_ms = 3000;
  bool insecure = false;  // --insecure: TLS certificates not verified
  std::string ca_file;    // --cafile
  std::string cert_file;  // --cert / --key: the front end's client certificate
  std::string key_file;
  std::string api_key;   // --api-key: MRAS over HTTP (e.g. the one `make run` prints)
  std::string username;  // --username/--password: test this credential, no MRAS
  std::string password;
  std::optional<IpAddress> peer_ip;  // --peer: the echo peer's address
  uint16_t tls_port = 0;             // --tls-port: TLS port when not the MRAS tcp port
};

// Resolves the options against the configuration. Empty string: fine; otherwise the reason
// the probe cannot run (exit 2).
struct Plan {
  const config::EdgePool* pool = nullptr;
  const config::FrontendPool* frontend = nullptr;  // null with a given credential
  MrasQuery query;
  TlsOptions turn_tls;  // trust for TURN over TLS (server_name set per relay host)
};
std::string plan_probe(const config::Config& cfg, const ProbeOptions& o, Plan& plan);

// Runs every step; never throws.
std::vector<Step> run_probe(const config::Config& cfg, const ProbeOptions& o, const Plan& plan);

// One transport's TURN steps against `server` with a credential (also used by check --live).
// `works` receives e.g. "TCP 127.0.0.31:443" when the transport answered.
struct TurnTarget {
  Proto proto = Proto::Udp;
  Endpoint server;
  std::string host;  // the name the relay was given as (TLS name check)
  std::string username;
  std::string password;
  std::optional<IpAddress> peer_ip;
  TlsOptions tls;
  int timeout_ms = 3000;
};
struct TurnRun {
  std::vector<Step> steps;
  bool answered = false;   // the transport reached the edge (a STUN answer came back)
  bool no_answer = false;  // the first request got no answer (the blocked-path case)
};
TurnRun run_turn(const TurnTarget& t, const AuthContext& ctx);

// getaddrinfo: the host's addresses, each once; empty and error set when it does not resolve.
std::vector<IpAddress> resolve_host(const std::string& host, std::string& error);
// A configured listener address to connect to: a wildcard becomes loopback.
Endpoint reachable(Endpoint ep);

// Parses "udp,tcp,tls"; empty vector and error on a bad name.
std::vector<Proto> parse_transports(const std::string& list, std::string& error);

}  // namespace avedge::probe
