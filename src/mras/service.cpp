#include "mras/service.hpp"

#include <spdlog/spdlog.h>
#include <asio.hpp>

#include <algorithm>

#include "mras/credential_service.hpp"
#include "mras/http_server.hpp"
#include "mras/sip_server.hpp"
#include "mras/tls_identity.hpp"

namespace avedge::mras {

Service::Service(const config::Config& cfg)
    : cfg_(cfg),
      counters_(std::make_unique<Counters>()),
      svc_(std::make_unique<CredentialService>(cfg.topology, cfg.realm.value, *counters_)) {}

Service::~Service() {
  stop();
}

bool Service::enabled() const {
  return !cfg_.topology.mras.sip_listen.empty() || cfg_.topology.mras.http_listen.has_value();
}

void Service::start() {
  const auto& m = cfg_.topology.mras;
  if (!m.sip_listen.empty()) {
    std::shared_ptr<asio::ssl::context> tls;
    const bool wants_tls = std::any_of(m.sip_listen.begin(), m.sip_listen.end(), [](const auto& l) {
      return l.kind == config::ListenerKind::Tls;
    });
    if (wants_tls) {
      if (cfg_.tls.cert.value.empty()) {
        throw std::runtime_error("[mras] sip_listen has a tls:// listener but tls.cert is empty");
      }
      tls = make_mras_tls_context(cfg_.tls.cert.value, cfg_.tls.key.value, cfg_.tls.cert.value);
    }
    io_ = std::make_unique<asio::io_context>(1);
    sip_ = std::make_unique<SipServer>(*io_, *svc_, *counters_, tls);
    for (const config::Listener& l : m.sip_listen) {
      if (l.kind != config::ListenerKind::Tcp && l.kind != config::ListenerKind::Tls) {
        throw std::runtime_error("[mras] sip_listen " + l.url() + " (" + l.where.to_string() +
                                 "): only tcp:// and tls:// are served");
      }
      sip_ports_.push_back(sip_->listen(l));
    }
    io_thread_ = std::thread([io = io_.get()] {
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  }
  if (m.http_listen) {
    http_ = std::make_unique<HttpServer>(*svc_, *counters_);
    http_port_ = http_->start(m.http_listen->value);
  }
}

void Service::stop() {
  if (http_) http_->stop();
  if (io_) io_->stop();
  if (io_thread_.joinable()) io_thread_.join();
  sip_.reset();
  http_.reset();
  io_.reset();
}

}  // namespace avedge::mras
