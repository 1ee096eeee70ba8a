#include "config/self_signed_cert.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace avedge::config {

namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

bool ensure_private_dir(const std::string& dir, std::string& error) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = fmt::format("cannot create {}: {}", dir, std::strerror(errno));
    return false;
  }
  struct stat st {};
  // lstat: a symlink planted in /tmp by someone else is refused.
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 0077) != 0) {
    error = fmt::format("{} is not a private directory owned by this user", dir);
    return false;
  }
  return true;
}

bool add_ext(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

std::optional<std::string> runtime_dir(std::string& error) {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg != nullptr && xdg[0] == '/') {
    const std::string dir = fmt::format("{}/avedge", xdg);
    if (ensure_private_dir(dir, error)) return dir;
  }
  const std::string dir = fmt::format("/tmp/avedge-{}", ::getuid());
  if (ensure_private_dir(dir, error)) return dir;
  return std::nullopt;
}

bool write_self_signed(const std::string& path, const std::vector<IpAddress>& ips,
                       const std::vector<std::string>& dns_names, std::string& error) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  X509Ptr cert(X509_new());
  if (!key || !cert) {
    error = "OpenSSL could not create a key";
    return false;
  }
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()),
                         static_cast<int64_t>(::time(nullptr)) ^ ::getpid());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("avedge self-signed"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);

  std::string san;
  for (const auto& d : dns_names) san += fmt::format("{}DNS:{}", san.empty() ? "" : ",", d);
  for (const auto& ip : ips) san += fmt::format("{}IP:{}", san.empty() ? "" : ",", ip.to_string());
  if (!add_ext(cert.get(), NID_subject_alt_name, san) ||
      !add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert.get(), NID_ext_key_usage, "serverAuth")) {
    error = "OpenSSL could not add the certificate extensions";
    return false;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    error = "OpenSSL could not sign the certificate";
    return false;
  }

  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
    error = "OpenSSL could not encode the certificate";
    return false;
  }
  const std::string pem = bio_string(bio.get());

  const std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
    return false;
  }
  size_t off = 0;
  while (off < pem.size()) {
    const ssize_t n = ::write(fd, pem.data() + off, pem.size() - off);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::optional<std::string> prepare_tls(Config& cfg, std::string& error) {
  error.clear();
  // Relay listeners and MRAS SIP listeners share [tls] cert/key.
  std::vector<const Listener*> tls_listeners;
  for (const auto& l : cfg.listeners) {
    if (l.uses_tls()) tls_listeners.push_back(&l);
  }
  for (const auto& l : cfg.topology.mras.sip_listen) {
    if (l.uses_tls()) tls_listeners.push_back(&l);
  }
  if (tls_listeners.empty() || !cfg.tls.cert.value.empty()) return std::nullopt;
  std::vector<IpAddress> ips;
  auto add = [&ips](const IpAddress& ip) {
    for (const auto& x : ips) {
      if (x == ip) return;
    }
    ips.push_back(ip);
  };
  for (const Listener* l : tls_listeners) {
    if (l->endpoint.ip.is_unspecified()) {
      add(l->endpoint.ip.is_v4() ? IpAddress::v4(127, 0, 0, 1) : *IpAddress::parse("::1"));
      for (const auto& r : cfg.relay_ips) add(r.value);
    } else {
      add(l->endpoint.ip);
    }
  }
  auto dir = runtime_dir(error);
  if (!dir) return std::nullopt;
  const std::string path = fmt::format("{}/self-signed.pem", *dir);
  if (!write_self_signed(path, ips, {"localhost"}, error)) return std::nullopt;
  const SourcePos where{"generated (self-signed)", 0};
  cfg.tls.cert = {path, where};
  cfg.tls.key = {path, where};
  return path;
}

}  // namespace avedge::config
