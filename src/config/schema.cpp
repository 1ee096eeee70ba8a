#include "config/schema.hpp"

namespace avedge::config {

const std::vector<TableSpec>& schema() {
  static const std::vector<TableSpec> s{
      {"edge",
       {{"pool", "pool = \"EDGEPOOL01\""},
        {"realm", "realm = \"avedge.local\""},
        {"listen", "listen = [\"udp://0.0.0.0:3478\", \"tcp+tls://0.0.0.0:443\"]"},
        {"relay_ips", "relay_ips = [\"203.0.113.10\"]"},
        {"relay_ports", "relay_ports = \"50000-59999\""},
        {"workers", "workers = 0"},
        {"latency_budget_us", "latency_budget_us = 175"},
        {"latency_budget_when_cheaper", "latency_budget_when_cheaper = true"},
        {"busy_poll_us", "busy_poll_us = 0"},
        {"software", "software = false"},
        {"fast_path", "fast_path = \"off\""},
        {"fast_path_interfaces", "fast_path_interfaces = [\"eth0\"]"},
        {"strict_channel_numbers", "strict_channel_numbers = false"},
        {"diagnostic_reasons", "diagnostic_reasons = false"}}},
      {"auth",
       {{"users", "users = [\"alice:a-long-password\"]"},
        {"secrets", "secrets = [\"a-long-random-secret\"]"},
        {"secret_files", "secret_files = [\"secrets/rest-k1\"]"},
        {"dev_credentials", "dev_credentials = false"}}},
      {"peers",
       {{"deny", "deny = \"recommended\""},
        {"allow", "allow = [\"10.1.0.0/16\"]"},
        {"deny_extra", "deny_extra = [\"192.0.2.0/24\"]"}}},
      {"quota",
       {{"total", "total = 10000"}, {"per_user", "per_user = 100"}, {"per_ip", "per_ip = 200"}}},
      {"limits",
       {{"challenges_per_second", "challenges_per_second = 20"},
        {"challenges_burst", "challenges_burst = 40"},
        {"connections_total", "connections_total = 20000"},
        {"connections_per_ip", "connections_per_ip = 200"},
        {"idle_timeout", "idle_timeout = \"30s\""},
        {"max_message_size", "max_message_size = 65555"}}},
      {"lifetimes",
       {{"default", "default = \"10m\""},
        {"max", "max = \"1h\""},
        {"permission", "permission = \"5m\""},
        {"channel", "channel = \"10m\""},
        {"nonce", "nonce = \"10m\""}}},
      {"tls",
       {{"cert", "cert = \"/etc/avedge/cert.pem\""}, {"key", "key = \"/etc/avedge/key.pem\""}}},
      {"log",
       {{"level", "level = \"info\""},
        {"events", "events = \"/var/log/avedge/events.jsonl\""},
        {"events_rate", "events_rate = 10"}}},
      {"admin",
       {{"listen", "listen = \"127.0.0.1:9090\""},
        {"token", "token = \"a-long-random-token\""},
        {"token_file", "token_file = \"secrets/admin-token\""}}},
      {"topology",
       {{"sip_domains", "sip_domains = [\"contoso.com\"]"},
        {"default_routing_domain", "default_routing_domain = \"contoso.com\""}}},
      {"edge_pool",
       {{"name", "name = \"EDGEPOOL01\""},
        {"public_fqdn", "public_fqdn = \"av1.contoso.com\""},
        {"public_ips", "public_ips = [\"203.0.113.10\"]"},
        {"internal_fqdn", "internal_fqdn = \"edge01.contoso.local\""},
        {"edges",
         "edges = [{ name = \"edge01\", internal_ip = \"10.0.0.11\", public_ip = "
         "\"203.0.113.10\" }]"},
        {"authorized_internal_servers", "authorized_internal_servers = [\"pool01.contoso.com\"]"},
        {"token_lifetime", "token_lifetime = \"8h\""},
        {"secrets", "secrets = [{ id = \"k1\", file = \"secrets/pool01-k1\" }]"},
        {"turn_udp_port", "turn_udp_port = 3478"},
        {"turn_tcp_port", "turn_tcp_port = 443"}},
       true},
      {"frontend_pool",
       {{"name", "name = \"POOL01\""},
        {"fqdn", "fqdn = \"pool01.contoso.com\""},
        {"edge_pool", "edge_pool = \"EDGEPOOL01\""},
        {"addresses", "addresses = [\"10.0.0.21\"]"},
        {"api_key", "api_key = \"a-long-random-key\""},
        {"api_key_file", "api_key_file = \"secrets/pool01-api-key\""}},
       true},
      {"mras",
       {{"sip_listen", "sip_listen = [\"tls://10.0.0.11:5062\"]"},
        {"http_listen", "http_listen = \"127.0.0.1:8080\""}}},
  };
  return s;
}

const TableSpec& edge_node_spec() {
  static const TableSpec s{"edges",
                           {{"name", "name = \"edge01\""},
                            {"internal_ip", "internal_ip = \"10.0.0.11\""},
                            {"public_ip", "public_ip = \"203.0.113.10\""}}};
  return s;
}

const TableSpec& pool_secret_spec() {
  static const TableSpec s{"secrets",
                           {{"id", "id = \"k1\""},
                            {"file", "file = \"secrets/pool01-k1\""},
                            {"value", "value = \"a-long-random-secret\""}}};
  return s;
}

const TableSpec* find_table(std::string_view name) {
  for (const auto& t : schema()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const KeySpec* find_key(const TableSpec& t, std::string_view key) {
  for (const auto& k : t.keys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

}  // namespace avedge::config
