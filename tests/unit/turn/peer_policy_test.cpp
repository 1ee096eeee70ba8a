// Peer policy table tests: every denied class in every IPv4-in-IPv6 alias form
// (CVE-2018-4058, CVE-2020-26262, CVE-2026-27624, CVE-2026-53450, CVE-2026-73212), and the
// CIDR arithmetic property test for CVE-2026-73213.
#include "turn/peer_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace avedge::turn {
namespace {

IpAddress ip(std::string_view s) {
  auto a = IpAddress::parse(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(IpAddress{});
}

Cidr cidr(std::string_view s) {
  auto c = Cidr::parse(s);
  EXPECT_TRUE(c.has_value()) << s;
  return c.value_or(Cidr{});
}

IpAddress v6_with_v4(std::array<uint8_t, 12> head, const IpAddress& v4, bool invert = false) {
  std::array<uint8_t, 16> b{};
  std::copy(head.begin(), head.end(), b.begin());
  for (size_t i = 0; i < 4; ++i) {
    b[12 + i] = static_cast<uint8_t>(invert ? ~v4.bytes[i] : v4.bytes[i]);
  }
  return IpAddress::v6(b);
}

// Every way this IPv4 address can be written as IPv6 that canonical() must undo.
std::vector<std::pair<std::string, IpAddress>> alias_forms(const IpAddress& v4) {
  std::vector<std::pair<std::string, IpAddress>> out;
  out.emplace_back("plain", v4);
  out.emplace_back("v4-mapped", v6_with_v4({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, v4));
  out.emplace_back("v4-compatible", v6_with_v4({}, v4));
  // 6to4 2002:AABB:CCDD::1 (RFC 3056), with a non-zero SLA/interface part.
  std::array<uint8_t, 16> six{0x20, 0x02, v4.bytes[0], v4.bytes[1], v4.bytes[2], v4.bytes[3], 0x00,
                              0x07, 0,    0,           0,           0,           0,           0,
                              0,    1};
  out.emplace_back("6to4", IpAddress::v6(six));
  out.emplace_back("nat64-wkp", v6_with_v4({0x00, 0x64, 0xff, 0x9b}, v4));
  out.emplace_back("nat64-local",
                   v6_with_v4({0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, v4));
  out.emplace_back("nat64-local-nonzero",
                   v6_with_v4({0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, 0x12, 0x34, 0, 0x05, 0, 0}, v4));
  // Teredo 2001:0:4136:e378:8000:63bf:~client (RFC 4380 §4 example server 65.54.227.120).
  out.emplace_back(
      "teredo", v6_with_v4({0x20, 0x01, 0x00, 0x00, 0x41, 0x36, 0xe3, 0x78, 0x80, 0x00, 0x63, 0xbf},
                           v4, /*invert=*/true));
  return out;
}

struct V4Range {
  std::string_view cidr;
  PeerVerdict verdict;
};

// SECURITY.md §2.2 "Recommended A/V Edge default", IPv4 rows.
const std::vector<V4Range>& denied_v4() {
  static const std::vector<V4Range> t = {
      {"0.0.0.0/8", PeerVerdict::DeniedAlways},
      {"127.0.0.0/8", PeerVerdict::DeniedDefault},
      {"169.254.0.0/16", PeerVerdict::DeniedDefault},
      {"10.0.0.0/8", PeerVerdict::DeniedDefault},
      {"172.16.0.0/12", PeerVerdict::DeniedDefault},
      {"192.168.0.0/16", PeerVerdict::DeniedDefault},
      {"100.64.0.0/10", PeerVerdict::DeniedDefault},
      {"224.0.0.0/4", PeerVerdict::DeniedDefault},
      {"255.255.255.255/32", PeerVerdict::DeniedDefault},
      {"192.0.0.0/24", PeerVerdict::DeniedDefault},
      {"192.0.2.0/24", PeerVerdict::DeniedDefault},
      {"198.18.0.0/15", PeerVerdict::DeniedDefault},
      {"198.51.100.0/24", PeerVerdict::DeniedDefault},
      {"203.0.113.0/24", PeerVerdict::DeniedDefault},
      {"240.0.0.0/4", PeerVerdict::DeniedDefault},
  };
  return t;
}

// First, middle and last address of a v4 block.
std::vector<IpAddress> samples(const Cidr& c) {
  const uint32_t base = c.base.v4_host_order();
  const uint32_t size_minus_1 =
      c.prefix == 0 ? 0xFFFFFFFFu : (c.prefix >= 32 ? 0u : (0xFFFFFFFFu >> c.prefix));
  return {IpAddress::v4(base), IpAddress::v4(base + size_minus_1 / 2 + (size_minus_1 > 0 ? 1 : 0)),
          IpAddress::v4(base + size_minus_1)};
}

TEST(Canonical, UndoesEveryEncoding) {
  const IpAddress target = IpAddress::v4(127, 0, 0, 1);
  for (const auto& [name, a] : alias_forms(target)) {
    EXPECT_EQ(canonical(a), target) << name << " " << a.to_string();
  }
  EXPECT_EQ(canonical(ip("::ffff:8.8.8.8")), ip("8.8.8.8"));
  EXPECT_EQ(canonical(ip("::8.8.8.8")), ip("8.8.8.8"));
  EXPECT_EQ(canonical(ip("2002:0808:0808::")), ip("8.8.8.8"));
  EXPECT_EQ(canonical(ip("2002:7f00:0001::")), ip("127.0.0.1"));
  EXPECT_EQ(canonical(ip("64:ff9b::10.1.2.3")), ip("10.1.2.3"));
  EXPECT_EQ(canonical(ip("64:ff9b:1::a01:203")), ip("10.1.2.3"));
  // RFC 4380 §4 example: client 192.0.2.45 behind NAT, obfuscated 3fff:fdd2.
  EXPECT_EQ(canonical(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2")), ip("192.0.2.45"));
  // :: and ::1 keep their IPv6 meaning.
  EXPECT_EQ(canonical(ip("::")), ip("::"));
  EXPECT_EQ(canonical(ip("::1")), ip("::1"));
  EXPECT_EQ(canonical(ip("::2")), ip("0.0.0.2"));
  // Other IPv6 and all IPv4 addresses are unchanged.
  for (std::string_view s :
       {"2606:4700::1", "2001:db8::1", "fe80::1", "64:ff9b:2::1", "64:ff9b:0:1::1.2.3.4",
        "::fffe:1.2.3.4", "1::ffff:1.2.3.4", "8.8.8.8"}) {
    EXPECT_EQ(canonical(ip(s)), ip(s)) << s;
  }
  EXPECT_TRUE(canonical(ip("2606:4700::1")).is_v4() == false);
}

TEST(PeerPolicy, EveryDeniedV4ClassInEveryForm) {
  const PeerPolicy p;
  int checked = 0;
  for (const auto& r : denied_v4()) {
    const Cidr c = cidr(r.cidr);
    for (const IpAddress& a : samples(c)) {
      ASSERT_TRUE(c.contains(a)) << r.cidr << " " << a.to_string();
      for (const auto& [name, form] : alias_forms(a)) {
        const PeerVerdict v = p.check(form);
        EXPECT_NE(v, PeerVerdict::Allowed) << r.cidr << " " << name << " " << form.to_string();
        // ::0.0.0.1 is ::1 (IPv6 loopback), denied by default rather than always.
        if (!(name == "v4-compatible" && a == IpAddress::v4(0, 0, 0, 1))) {
          EXPECT_EQ(v, r.verdict) << r.cidr << " " << name << " " << form.to_string();
        }
        EXPECT_FALSE(p.allowed(form));
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 15 * 3 * 8);
}

TEST(PeerPolicy, CoverageMatchesStunnerRangeScan) {
  // firefart/stunner range-scan targets (SECURITY.md §2.1), plus the metadata address.
  const PeerPolicy p;
  for (std::string_view s : {"0.0.0.0",         "::",
                             "127.0.0.1",       "127.0.0.8",
                             "127.255.255.254", "::1",
                             "10.0.0.0",        "10.255.255.255",
                             "172.16.0.0",      "172.31.255.255",
                             "192.168.0.0",     "192.168.255.255",
                             "169.254.0.0",     "169.254.255.255",
                             "169.254.169.254", "224.0.0.1",
                             "239.255.255.254", "100.64.0.0",
                             "100.127.255.255", "192.0.0.1",
                             "192.0.2.1",       "198.18.0.1",
                             "198.51.100.1",    "203.0.113.1",
                             "240.0.0.1",       "255.255.255.255",
                             "0.1.2.3",         "::ffff:127.0.0.1",
                             "::ffff:0.0.0.0",  "::127.0.0.1",
                             "2002:7f00:1::",   "64:ff9b::127.0.0.1"}) {
    EXPECT_FALSE(p.allowed(ip(s))) << s;
  }
}

TEST(PeerPolicy, DeniedV6Classes) {
  const PeerPolicy p;
  struct Case {
    std::string_view addr;
    PeerVerdict v;
  };
  for (auto [a, v] : std::initializer_list<Case>{
           {"::", PeerVerdict::DeniedAlways},
           {"::1", PeerVerdict::DeniedDefault},
           {"fe80::", PeerVerdict::DeniedDefault},
           {"fe80::1", PeerVerdict::DeniedDefault},
           {"fea0::1", PeerVerdict::DeniedDefault},
           {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
           {"fc00::", PeerVerdict::DeniedDefault},
           {"fd12:3456::1", PeerVerdict::DeniedDefault},
           {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
           {"fec0::", PeerVerdict::DeniedDefault},
           {"fed0::1", PeerVerdict::DeniedDefault},
           {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
           {"ff00::", PeerVerdict::DeniedDefault},
           {"ff02::1", PeerVerdict::DeniedDefault},
           {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
           {"2001:db8::", PeerVerdict::DeniedDefault},
           {"2001:db8:8000::1", PeerVerdict::DeniedDefault},
           {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
           {"3fff::", PeerVerdict::DeniedDefault},
           {"3fff:800::1", PeerVerdict::DeniedDefault},
           {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", PeerVerdict::DeniedDefault},
       }) {
    EXPECT_EQ(p.check(ip(a)), v) << a;
  }
  // Just outside the ranges.
  for (std::string_view a : {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fbff::1", "2001:db9::",
                             "2001:db7:ffff::", "3fff:1000::", "3ffe:ffff::1", "::1:0:0:0"}) {
    EXPECT_EQ(p.check(ip(a)), PeerVerdict::Allowed) << a;
  }
}

TEST(PeerPolicy, PublicAddressesAllowedInEveryForm) {
  const PeerPolicy p;
  for (const auto& [name, form] : alias_forms(IpAddress::v4(8, 8, 8, 8))) {
    EXPECT_EQ(p.check(form), PeerVerdict::Allowed) << name << " " << form.to_string();
  }
  for (const auto& [name, form] : alias_forms(IpAddress::v4(1, 1, 1, 1))) {
    EXPECT_EQ(p.check(form), PeerVerdict::Allowed) << name << " " << form.to_string();
  }
  // Decision: 6to4 and Teredo of a public IPv4 are judged as that IPv4 (allowed), not denied
  // outright as eturnal does; see peer_policy.cpp.
  EXPECT_TRUE(p.allowed(ip("2002:0808:0808::")));
  EXPECT_FALSE(p.allowed(ip("2002:7f00:0001::")));
  EXPECT_TRUE(p.allowed(ip("2606:4700::1")));
  EXPECT_TRUE(p.allowed(ip("2606:4700:4700::1111")));
  EXPECT_TRUE(p.allowed(ip("2a00:1450:4001:81c::200e")));
}

TEST(PeerPolicy, ConfigAllowOverridesDefaultDeny) {
  PeerPolicy p;
  EXPECT_EQ(p.check(ip("127.0.0.1")), PeerVerdict::DeniedDefault);
  p.allow(cidr("127.0.0.0/8"));
  for (const auto& [name, form] : alias_forms(IpAddress::v4(127, 0, 0, 1))) {
    EXPECT_EQ(p.check(form), PeerVerdict::Allowed) << name;
  }
  EXPECT_EQ(p.check(ip("::1")), PeerVerdict::DeniedDefault);  // IPv6 loopback is separate
  EXPECT_EQ(p.check(ip("10.0.0.1")), PeerVerdict::DeniedDefault);
}

TEST(PeerPolicy, UnspecifiedNeverAllowed) {
  PeerPolicy p;
  p.allow(cidr("0.0.0.0/0"));
  p.allow(cidr("0.0.0.0/8"));
  p.allow(cidr("0.1.2.3"));
  p.allow(cidr("::/0"));
  p.allow(cidr("::/128"));
  p.add_own_relay_address(ip("0.0.0.0"));
  p.add_own_relay_address(ip("::"));
  for (std::string_view s : {"0.0.0.0", "0.1.2.3", "0.255.255.255", "::", "::ffff:0.0.0.0",
                             "::ffff:0.1.2.3", "::0.1.2.3", "2002:0001:0203::", "64:ff9b::0.1.2.3",
                             "2001:0:4136:e378:8000:63bf:ffff:ffff"}) {
    EXPECT_EQ(p.check(ip(s)), PeerVerdict::DeniedAlways) << s;
  }
  // The allow-all does open everything else, including loopback.
  EXPECT_EQ(p.check(ip("127.0.0.1")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("::1")), PeerVerdict::Allowed);

  const PeerPolicy off(/*use_recommended=*/false);
  EXPECT_EQ(off.check(ip("0.0.0.0")), PeerVerdict::DeniedAlways);
  EXPECT_EQ(off.check(ip("::")), PeerVerdict::DeniedAlways);
  EXPECT_EQ(off.check(ip("::ffff:0.1.2.3")), PeerVerdict::DeniedAlways);
  EXPECT_EQ(off.check(ip("127.0.0.1")), PeerVerdict::Allowed);
}

TEST(PeerPolicy, ConfigDeny) {
  PeerPolicy p;
  p.deny(cidr("8.8.8.0/24"));
  p.deny(cidr("2606:4700::/32"));
  for (const auto& [name, form] : alias_forms(IpAddress::v4(8, 8, 8, 8))) {
    EXPECT_EQ(p.check(form), PeerVerdict::DeniedConfig) << name;
  }
  EXPECT_EQ(p.check(ip("2606:4700::1")), PeerVerdict::DeniedConfig);
  EXPECT_EQ(p.check(ip("8.8.4.4")), PeerVerdict::Allowed);
  // Configured deny wins over nothing but loses to configured allow.
  p.allow(cidr("8.8.8.8"));
  EXPECT_EQ(p.check(ip("8.8.8.8")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("8.8.8.9")), PeerVerdict::DeniedConfig);
  // Mapped-form config blocks mean the IPv4 block.
  p.deny(cidr("::ffff:9.9.9.0/120"));
  EXPECT_EQ(p.check(ip("9.9.9.9")), PeerVerdict::DeniedConfig);
  EXPECT_EQ(p.check(ip("::ffff:9.9.9.9")), PeerVerdict::DeniedConfig);
}

TEST(PeerPolicy, OwnRelayAddressAllowedEvenWhenDenied) {
  PeerPolicy p;
  p.deny(cidr("203.0.0.0/8"));
  p.add_own_relay_address(ip("10.0.0.5"));
  p.add_own_relay_address(ip("203.0.113.9"));
  p.add_own_relay_address(ip("fd00::5"));
  EXPECT_EQ(p.check(ip("10.0.0.5")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("::ffff:10.0.0.5")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("203.0.113.9")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("fd00::5")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(ip("10.0.0.6")), PeerVerdict::DeniedDefault);
  EXPECT_EQ(p.check(ip("203.0.113.10")), PeerVerdict::DeniedConfig);
  EXPECT_EQ(p.check(ip("fd00::6")), PeerVerdict::DeniedDefault);
}

TEST(PeerPolicy, RecommendedTable) {
  const auto& t = PeerPolicy::recommended_deny();
  for (auto s : t) EXPECT_TRUE(Cidr::parse(s)) << s;
  for (std::string_view must : {"0.0.0.0/8",       "::/128",
                                "127.0.0.0/8",     "::1/128",
                                "169.254.0.0/16",  "fe80::/10",
                                "10.0.0.0/8",      "172.16.0.0/12",
                                "192.168.0.0/16",  "fc00::/7",
                                "fec0::/10",       "100.64.0.0/10",
                                "224.0.0.0/4",     "255.255.255.255/32",
                                "ff00::/8",        "192.0.0.0/24",
                                "192.0.2.0/24",    "198.18.0.0/15",
                                "198.51.100.0/24", "203.0.113.0/24",
                                "240.0.0.0/4",     "2001:db8::/32",
                                "3fff::/20",       "2001::/32",
                                "2002::/16",       "64:ff9b::/96",
                                "64:ff9b:1::/48"}) {
    EXPECT_NE(std::find(t.begin(), t.end(), must), t.end()) << must;
  }
  EXPECT_STREQ(to_string(PeerVerdict::Allowed), "allowed");
  EXPECT_STREQ(to_string(PeerVerdict::DeniedAlways), "denied_always");
}

// CVE-2026-73213: Cidr::contains must equal a bitwise reference and the lexicographic
// [min, max] range reference on network-order bytes, for prefixes not aligned to 16 bits.
bool bit(const IpAddress& a, unsigned i) {
  return (a.bytes[i / 8] >> (7 - i % 8)) & 1;
}

bool ref_bitwise(const IpAddress& base, unsigned prefix, const IpAddress& a) {
  for (unsigned i = 0; i < prefix; ++i) {
    if (bit(base, i) != bit(a, i)) return false;
  }
  return true;
}

bool ref_range(const IpAddress& base, unsigned prefix, const IpAddress& a) {
  std::array<uint8_t, 16> lo = base.bytes, hi = base.bytes;
  for (unsigned i = prefix; i < 128; ++i) {
    lo[i / 8] = static_cast<uint8_t>(lo[i / 8] & ~(0x80u >> (i % 8)));
    hi[i / 8] = static_cast<uint8_t>(hi[i / 8] | (0x80u >> (i % 8)));
  }
  return std::memcmp(lo.data(), a.bytes.data(), 16) <= 0 &&
         std::memcmp(a.bytes.data(), hi.data(), 16) <= 0;
}

TEST(CidrProperty, ContainsEqualsBitwiseReference) {
  std::mt19937_64 rng(0x73213);
  auto random_v6 = [&rng] {
    std::array<uint8_t, 16> b{};
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return IpAddress::v6(b);
  };
  int inside = 0, outside = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const unsigned prefix = static_cast<unsigned>(rng() % 129);
    const IpAddress base_raw = random_v6();
    auto c = Cidr::parse(base_raw.to_string() + "/" + std::to_string(prefix));
    ASSERT_TRUE(c);
    // Candidates: fully random, and the base with one random bit flipped (close to the edge).
    IpAddress near = base_raw;
    const unsigned flip = static_cast<unsigned>(rng() % 128);
    near.bytes[flip / 8] = static_cast<uint8_t>(near.bytes[flip / 8] ^ (0x80u >> (flip % 8)));
    IpAddress host_noise = base_raw;  // random host bits: always inside
    for (unsigned i = prefix; i < 128; ++i) {
      if (rng() & 1) {
        host_noise.bytes[i / 8] =
            static_cast<uint8_t>(host_noise.bytes[i / 8] ^ (0x80u >> (i % 8)));
      }
    }
    for (const IpAddress& a : {random_v6(), near, host_noise, base_raw}) {
      const bool got = c->contains(a);
      ASSERT_EQ(got, ref_bitwise(base_raw, prefix, a)) << c->to_string() << " " << a.to_string();
      ASSERT_EQ(got, ref_range(base_raw, prefix, a)) << c->to_string() << " " << a.to_string();
      (got ? inside : outside)++;
    }
    ASSERT_TRUE(c->contains(host_noise));
  }
  EXPECT_GT(inside, 20000);
  EXPECT_GT(outside, 20000);
}

TEST(CidrProperty, NonAlignedV6Ranges) {
  // Ranges whose boundary falls inside a 16-bit group.
  auto c = cidr("2001:db8:8000::/33");
  EXPECT_TRUE(c.contains(ip("2001:db8:8000::")));
  EXPECT_TRUE(c.contains(ip("2001:db8:ffff:ffff::1")));
  EXPECT_FALSE(c.contains(ip("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(c.contains(ip("2001:db9::")));
  c = cidr("fe80::/9");  // fe80:: .. feff:ffff:...
  EXPECT_TRUE(c.contains(ip("fe80::")));
  EXPECT_TRUE(c.contains(ip("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(c.contains(ip("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(c.contains(ip("ff00::")));
  c = cidr("1:2:3:4:5:6:7:8/127");
  EXPECT_TRUE(c.contains(ip("1:2:3:4:5:6:7:9")));
  EXPECT_FALSE(c.contains(ip("1:2:3:4:5:6:7:a")));
  EXPECT_FALSE(c.contains(ip("1:2:3:4:5:6:7:7")));
}

}  // namespace
}  // namespace avedge::turn

namespace avedge::turn {
namespace {

TEST(PeerPolicyEndpoint, OwnAddressOnlyOnRelayPortsAndAliasesToo) {
  PeerPolicy p;
  p.add_own_relay_address(*IpAddress::parse("127.0.0.1"));
  p.set_own_relay_ports(50000, 59999);
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.1:50000")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.1:59999")), PeerVerdict::Allowed);
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.1:49999")), PeerVerdict::DeniedOwnService);
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.1:9090")), PeerVerdict::DeniedOwnService);
  EXPECT_EQ(p.check(*Endpoint::parse("[::ffff:127.0.0.1]:22")), PeerVerdict::DeniedOwnService);
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.2:50000")), PeerVerdict::DeniedDefault);
  EXPECT_EQ(p.check(*Endpoint::parse("0.0.0.0:50000")), PeerVerdict::DeniedAlways);
  EXPECT_EQ(p.check(*Endpoint::parse("8.8.8.8:22")), PeerVerdict::Allowed);
  p.allow(*Cidr::parse("127.0.0.0/8"));
  EXPECT_EQ(p.check(*Endpoint::parse("127.0.0.1:22")), PeerVerdict::Allowed);
}

}  // namespace
}  // namespace avedge::turn
