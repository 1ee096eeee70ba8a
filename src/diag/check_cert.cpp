// Reading a PEM certificate for the TLS rules of `avedge check`.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

#include "diag/check.hpp"

namespace avedge::diag {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

bool name_covers(std::string_view pattern, std::string_view fqdn) {
  const std::string p = lower(pattern);
  const std::string n = lower(fqdn);
  if (p.empty() || n.empty()) return false;
  if (p == n) return true;
  if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
    const size_t dot = n.find('.');
    if (dot == std::string::npos || dot == 0) return false;
    return n.substr(dot) == p.substr(1);
  }
  return false;
}

bool read_cert_info(const std::string& path, CertInfo& out, std::string& error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    error = "cannot open the file";
    return false;
  }
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    error = "no PEM certificate in the file";
    return false;
  }
  out = CertInfo{};
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
      if (g->type != GEN_DNS) continue;
      const ASN1_IA5STRING* s = g->d.dNSName;
      out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<size_t>(ASN1_STRING_length(s)));
    }
  } else {
    // No subjectAltName: clients fall back to the subject CN (RFC 6125 §6.4.4).
    std::array<char, 256> cn{};
    const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName,
                                            cn.data(), static_cast<int>(cn.size()));
    if (n > 0) out.dns_names.emplace_back(cn.data(), static_cast<size_t>(n));
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    error = "unreadable expiry date";
    return false;
  }
  out.not_after = static_cast<UnixSeconds>(timegm(&tm));
  return true;
}

}  // namespace avedge::diag
