#include "mras/authorize.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace avedge::mras {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

std::string trim_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return std::string(s);
}

const config::FrontendPool* by_cert(const config::Topology& t, const Requester& r) {
  for (const auto& name : r.cert_names) {
    for (const auto& fe : t.frontend_pools) {
      if (iequals(trim_dot(fe.fqdn.value), trim_dot(name))) return &fe;
    }
  }
  return nullptr;
}

const config::FrontendPool* by_key(const config::Topology& t, std::string_view key) {
  const config::FrontendPool* found = nullptr;
  for (const auto& fe : t.frontend_pools) {
    // Every key is compared, so the time taken does not say which one matched.
    if (!fe.api_key.value.empty() && secrets_equal(fe.api_key.value, key) && !found) found = &fe;
  }
  return found;
}

}  // namespace

bool secrets_equal(std::string_view a, std::string_view b) {
  // Compare SHA-256 digests: equal length, so CRYPTO_memcmp runs in constant time.
  std::array<unsigned char, 32> da{};
  std::array<unsigned char, 32> db{};
  unsigned la = 0;
  unsigned lb = 0;
  if (EVP_Digest(a.data(), a.size(), da.data(), &la, EVP_sha256(), nullptr) != 1 ||
      EVP_Digest(b.data(), b.size(), db.data(), &lb, EVP_sha256(), nullptr) != 1) {
    return false;
  }
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

Authorization authorize(const config::Topology& t, const Requester& r) {
  Authorization a;
  const config::FrontendPool* fe = by_cert(t, r);
  if (!fe && r.address) fe = t.find_frontend_by_address(*r.address);
  if (!fe && !r.api_key.empty()) fe = by_key(t, r.api_key);
  if (!fe) {
    a.refusal = Diag::UnknownRequester;
    a.reason = "no front-end pool matches the requester (" + r.describe() + ")";
    return a;
  }
  a.frontend = fe;
  const config::EdgePool* home = t.find_pool(fe->edge_pool.value);
  if (!home) {
    a.refusal = Diag::UnknownHomePool;
    a.reason = "front-end pool " + fe->name.value + " names edge_pool \"" + fe->edge_pool.value +
               "\" (at " + fe->edge_pool.where.to_string() + "), which is not in the topology";
    return a;
  }
  const bool listed = std::any_of(
      home->authorized_internal_servers.begin(), home->authorized_internal_servers.end(),
      [&](const auto& s) { return iequals(trim_dot(s.value), trim_dot(fe->fqdn.value)); });
  if (!listed) {
    a.refusal = Diag::NotAuthorizedServer;
    a.reason = fe->fqdn.value + " is not in authorized_internal_servers of edge pool " +
               home->name.value + " (at " + home->name.where.to_string() + ")";
    return a;
  }
  a.home = home;
  return a;
}

}  // namespace avedge::mras
