// Hot reload through a real ServerRunner (issue 6 item 7): a new certificate is served to new
// TLS handshakes; a broken file or certificate is refused and the running one stays; a
// listener change is reported as needing a restart and not applied.
#include "admin/reload.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "config/dev_credentials.hpp"
#include "config/finalize.hpp"
#include "config/loader.hpp"
#include "config/self_signed_cert.hpp"
#include "net/net_test_support.hpp"
#include "net/server_runner.hpp"

namespace avedge::admin {
namespace {

using namespace net::testing;  // NOLINT

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::string config_text(const std::string& cert, const std::string& listen, unsigned per_user) {
  return "[edge]\nrealm = \"test\"\nlisten = [" + listen +
         "]\nrelay_ips = [\"127.0.0.1\"]\nrelay_ports = \"40000-49999\"\nworkers = 2\n"
         "[auth]\nusers = [\"alice:secret\"]\n[quota]\nper_user = " +
         std::to_string(per_user) + "\n[tls]\ncert = \"" + cert + "\"\nkey = \"" + cert + "\"\n";
}

// The subjectAltName DNS names of the certificate a new TLS handshake gets.
std::string served_names(const Endpoint& at) {
  const int fd = tcp_connect(at);
  EXPECT_GE(fd, 0);
  TlsClient tls(fd);
  EXPECT_TRUE(tls.connected);
  X509* cert = SSL_get1_peer_certificate(tls.ssl);
  if (cert == nullptr) return {};
  std::string names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
    if (n->type == GEN_DNS) {
      names += reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName));
      names += ",";
    }
  }
  GENERAL_NAMES_free(sans);
  X509_free(cert);
  return names;
}

class ReloadTest : public ::testing::Test {
 protected:
  ReloadTest() : tc_("\"tls://127.0.0.1:0\"", 2) {
    std::string error;
    cert_a_ = tc_.dir + "/a.pem";
    cert_b_ = tc_.dir + "/b.pem";
    EXPECT_TRUE(
        config::write_self_signed(cert_a_, {IpAddress::v4(127, 0, 0, 1)}, {"edge-a.test"}, error));
    EXPECT_TRUE(
        config::write_self_signed(cert_b_, {IpAddress::v4(127, 0, 0, 1)}, {"edge-b.test"}, error));
    file_ = tc_.dir + "/edge.toml";
    listen_ = "\"tls://127.0.0.1:0\"";
    write(file_, config_text(cert_a_, listen_, 100));
    config::LoadResult r = config::load_file(file_);
    EXPECT_TRUE(r.ok());
    running_ = std::move(r.config);
    EXPECT_TRUE(config::finalize(running_).empty());
    runner_ = std::make_unique<net::ServerRunner>(running_);
    runner_->start();
    tls_ = runner_->listeners().front().endpoint;
    reloader_ = std::make_unique<Reloader>(file_, config::Overrides{}, running_, *runner_);
  }
  TestConfig tc_;  // its temporary directory
  config::Config running_;
  std::string cert_a_, cert_b_, file_, listen_;
  std::unique_ptr<net::ServerRunner> runner_;
  std::unique_ptr<Reloader> reloader_;
  Endpoint tls_;
};

TEST_F(ReloadTest, NewCertificateIsServedToNewHandshakes) {
  EXPECT_EQ(served_names(tls_), "edge-a.test,");
  write(file_, config_text(cert_b_, listen_, 5));
  const ReloadOutcome dry = reloader_->run(true);
  EXPECT_EQ(dry.status, ReloadOutcome::Status::DryRun);
  EXPECT_EQ(served_names(tls_), "edge-a.test,");  // a dry run applies nothing

  const ReloadOutcome out = reloader_->run(false);
  ASSERT_EQ(out.status, ReloadOutcome::Status::Applied) << outcome_text(out);
  EXPECT_NE(outcome_text(out).find("quota.per_user  " + file_ + ":10  100 -> 5  (applied)"),
            std::string::npos)
      << outcome_text(out);
  EXPECT_EQ(served_names(tls_), "edge-b.test,");
  // The same file again: nothing to do.
  EXPECT_EQ(reloader_->run(false).status, ReloadOutcome::Status::NothingToDo);
}

TEST_F(ReloadTest, BrokenFileIsRefusedWithFileAndLine) {
  write(file_, config_text(cert_b_, listen_, 5) + "[quota]\nper_usr = 3\n");
  const ReloadOutcome out = reloader_->run(false);
  ASSERT_EQ(out.status, ReloadOutcome::Status::Refused);
  ASSERT_FALSE(out.errors.empty());
  EXPECT_NE(out.errors.front().find(file_ + ":"), std::string::npos) << out.errors.front();
  EXPECT_EQ(outcome_http_status(out), 422);
  EXPECT_EQ(served_names(tls_), "edge-a.test,");
}

TEST_F(ReloadTest, UnreadableCertificateIsRefusedAndNothingApplied) {
  write(tc_.dir + "/bad.pem", "not a certificate\n");
  write(file_, config_text(tc_.dir + "/bad.pem", listen_, 5));
  const ReloadOutcome out = reloader_->run(false);
  ASSERT_EQ(out.status, ReloadOutcome::Status::Refused) << outcome_text(out);
  EXPECT_EQ(served_names(tls_), "edge-a.test,");
}

TEST_F(ReloadTest, ListenerChangeIsReportedNotApplied) {
  write(file_, config_text(cert_a_, listen_ + ", \"udp://127.0.0.1:0\"", 100));
  const ReloadOutcome out = reloader_->run(false);
  EXPECT_EQ(out.status, ReloadOutcome::Status::NothingToDo);
  ASSERT_EQ(out.changes.size(), 1U);
  EXPECT_EQ(out.changes[0].key, "edge.listen");
  EXPECT_TRUE(out.changes[0].restart);
  EXPECT_EQ(runner_->listeners().size(), 1U);
  EXPECT_NE(outcome_json(out).find("\"restart_needed\":true"), std::string::npos);
}

}  // namespace
}  // namespace avedge::admin

namespace avedge::admin {
namespace {

TEST_F(ReloadTest, GeneratedDevelopmentCredentialsAreKept) {
  const std::string dev = tc_.dir + "/dev.toml";
  write(dev,
        "[edge]\nlisten = [\"tls://127.0.0.1:0\"]\nrelay_ips = [\"127.0.0.1\"]\npool = \"DEV\"\n"
        "[auth]\ndev_credentials = true\n[tls]\ncert = \"" +
            cert_a_ + "\"\n[[edge_pool]]\nname = \"DEV\"\npublic_fqdn = \"localhost\"\n");
  config::LoadResult r = config::load_file(dev);
  ASSERT_TRUE(r.ok());
  const config::DevCredentials generated = config::add_dev_credentials(r.config);
  ASSERT_TRUE(generated.user_generated && generated.pool_key_generated);
  ASSERT_TRUE(config::finalize(r.config).empty());
  Reloader reloader(dev, config::Overrides{}, r.config, *runner_);
  const ReloadOutcome out = reloader.run(false);
  EXPECT_EQ(out.status, ReloadOutcome::Status::NothingToDo) << outcome_text(out);
  EXPECT_TRUE(out.changes.empty()) << outcome_text(out);
}

}  // namespace
}  // namespace avedge::admin
