// Test PKI for MRAS over TLS: a CA, a server certificate (localhost, 127.0.0.1) and client
// certificates naming a front end, written as PEM files into a fresh temporary directory.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>

namespace avedge::mras::test {

struct Pki {
  std::string dir;
  std::string ca;          // CA certificate
  std::string server;      // server certificate followed by the CA (tls.cert)
  std::string server_key;  // tls.key
  std::string client;      // client certificate + key, SAN DNS:pool01.contoso.com
  std::string rogue;       // client certificate + key, SAN DNS:rogue.contoso.com
  std::string untrusted;   // self-signed client certificate + key naming pool01
};

namespace detail {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

inline Key key() {
  return Key(EVP_EC_gen("P-256"), EVP_PKEY_free);
}

inline void ext(X509* c, X509* issuer, int nid, const char* v) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, c, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, v);
  X509_add_ext(c, e, -1);
  X509_EXTENSION_free(e);
}

inline Cert cert(const char* cn, EVP_PKEY* k, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                 const char* san, const char* eku, long serial) {
  Cert c(X509_new(), X509_free);
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400);
  X509_set_pubkey(c.get(), k);
  X509_NAME* n = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1,
                             -1, 0);
  X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : n);
  X509* iss = issuer ? issuer : c.get();
  if (ca) {
    ext(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    ext(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ext(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    ext(c.get(), iss, NID_ext_key_usage, eku);
    ext(c.get(), iss, NID_subject_alt_name, san);
  }
  X509_sign(c.get(), issuer_key, EVP_sha256());
  return c;
}

inline void write(const std::string& path, std::initializer_list<X509*> certs, EVP_PKEY* k) {
  FILE* f = std::fopen(path.c_str(), "w");
  for (X509* c : certs) PEM_write_X509(f, c);
  if (k) PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

}  // namespace detail

inline Pki make_pki() {
  using namespace detail;
  Pki p;
  char tmpl[] = "/tmp/avedge-mras-pki.XXXXXX";
  p.dir = ::mkdtemp(tmpl);
  Key ca_key = key();
  Cert ca = cert("avedge test CA", ca_key.get(), nullptr, ca_key.get(), true, "", "", 1);
  Key sk = key();
  Cert sc = cert("localhost", sk.get(), ca.get(), ca_key.get(), false, "DNS:localhost,IP:127.0.0.1",
                 "serverAuth", 2);
  Key ck = key();
  Cert cc = cert("pool01.contoso.com", ck.get(), ca.get(), ca_key.get(), false,
                 "DNS:pool01.contoso.com", "clientAuth", 3);
  Key rk = key();
  Cert rc = cert("rogue.contoso.com", rk.get(), ca.get(), ca_key.get(), false,
                 "DNS:rogue.contoso.com", "clientAuth", 4);
  Key uk = key();
  Cert other_ca = cert("other CA", uk.get(), nullptr, uk.get(), true, "", "", 5);
  Key uk2 = key();
  Cert uc = cert("pool01.contoso.com", uk2.get(), other_ca.get(), uk.get(), false,
                 "DNS:pool01.contoso.com", "clientAuth", 6);
  p.ca = p.dir + "/ca.pem";
  p.server = p.dir + "/server.pem";
  p.server_key = p.dir + "/server.key";
  p.client = p.dir + "/pool01.pem";
  p.rogue = p.dir + "/rogue.pem";
  p.untrusted = p.dir + "/untrusted.pem";
  write(p.ca, {ca.get()}, nullptr);
  write(p.server, {sc.get(), ca.get()}, nullptr);
  write(p.server_key, {}, sk.get());
  write(p.client, {cc.get()}, ck.get());
  write(p.rogue, {rc.get()}, rk.get());
  write(p.untrusted, {uc.get()}, uk2.get());
  return p;
}

}  // namespace avedge::mras::test
