// reserve_descriptors: the soft limit raised toward the need (never above the hard limit,
// never lowered), and the descriptor table grown to hold the need without growing again.
#include "net/descriptor_table.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace avedge::net {
namespace {

// FDSize in /proc/self/status: how many descriptors the table holds now.
uint64_t table_size() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("FDSize:", 0) == 0) return std::stoull(line.substr(7));
  }
  return 0;
}

rlimit nofile() {
  rlimit rl{};
  EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  return rl;
}

TEST(DescriptorTable, GrowsTheTableToTheNeed) {
  const rlimit before = nofile();
  const uint64_t need =
      std::min<uint64_t>(before.rlim_max, 4 * std::max<uint64_t>(table_size(), 256));
  ASSERT_GT(need, table_size()) << "the hard limit leaves nothing to grow";

  const DescriptorTable t = reserve_descriptors(need);
  EXPECT_EQ(t.soft_limit_before, before.rlim_cur);
  EXPECT_EQ(t.hard_limit, before.rlim_max);
  EXPECT_GE(t.soft_limit, need);
  EXPECT_EQ(nofile().rlim_cur, t.soft_limit);
  EXPECT_EQ(t.reserved, need);
  EXPECT_GE(table_size(), need);
}

TEST(DescriptorTable, NeverLowersTheLimitNorPassesTheHardOne) {
  const rlimit before = nofile();
  if (before.rlim_max > (rlim_t{1} << 20)) GTEST_SKIP() << "a hard limit too large to reserve";
  const DescriptorTable small = reserve_descriptors(8);
  EXPECT_EQ(small.soft_limit, before.rlim_cur);
  EXPECT_EQ(nofile().rlim_cur, before.rlim_cur);

  const DescriptorTable huge = reserve_descriptors(uint64_t{before.rlim_max} + 1000);
  EXPECT_EQ(huge.soft_limit, before.rlim_max);
  EXPECT_EQ(huge.reserved, before.rlim_max);
  EXPECT_EQ(nofile().rlim_max, before.rlim_max);
}

}  // namespace
}  // namespace avedge::net
