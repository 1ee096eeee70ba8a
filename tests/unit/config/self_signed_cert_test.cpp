#include "config/self_signed_cert.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "config/loader.hpp"

namespace avedge::config {
namespace {

std::string temp_dir() {
  std::string t = (std::filesystem::temp_directory_path() / "avedge-cert-test-XXXXXX").string();
  EXPECT_NE(::mkdtemp(t.data()), nullptr);
  return t;
}

TEST(SelfSignedCert, WritesKeyAndCertWithSan) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/c.pem";
  std::string error;
  ASSERT_TRUE(write_self_signed(path, {IpAddress::v4(127, 0, 0, 1)}, {"localhost"}, error))
      << error;

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(key, nullptr);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_private_key(cert, key), 1);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_ip_asc(cert, "127.0.0.2", 0), 1);
  X509_free(cert);
  EVP_PKEY_free(key);
  std::filesystem::remove_all(dir);
}

TEST(SelfSignedCert, PrepareTlsOnlyWhenNeeded) {
  LoadResult r = load_string("[edge]\nlisten = [\"udp://127.0.0.1:1\"]\n", "a.toml");
  std::string error;
  EXPECT_FALSE(prepare_tls(r.config, error).has_value());
  EXPECT_TRUE(error.empty());

  LoadResult t = load_string("[edge]\nlisten = [\"tls://127.0.0.1:0\"]\n", "a.toml");
  const std::string dir = temp_dir();
  ::setenv("XDG_RUNTIME_DIR", dir.c_str(), 1);
  ::chmod(dir.c_str(), 0700);
  auto path = prepare_tls(t.config, error);
  ASSERT_TRUE(path.has_value()) << error;
  EXPECT_EQ(*path, dir + "/avedge/self-signed.pem");
  EXPECT_EQ(t.config.tls.cert.value, *path);
  EXPECT_EQ(t.config.tls.key.value, *path);
  EXPECT_TRUE(std::filesystem::exists(*path));
  ::unsetenv("XDG_RUNTIME_DIR");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace avedge::config
