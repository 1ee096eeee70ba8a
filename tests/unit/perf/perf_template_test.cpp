#include "perf/perf_template.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace avedge::perf {
namespace {

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(PerfTemplate, EmbeddedTemplatesEqualTheFilesAndParse) {
  const auto embedded = embedded_templates();
  ASSERT_EQ(embedded.size(), 3U);
  for (const auto& e : embedded) {
    const std::string path =
        std::string(AVEDGE_SOURCE_DIR) + "/config/perf-templates/" + std::string(e.name) + ".toml";
    EXPECT_EQ(read(path), e.text) << "src/perf/embedded_templates.cpp differs from " << path;
    const auto r = parse_template(e.text, std::string(e.name) + ".toml");
    ASSERT_TRUE(r.tmpl) << (r.errors.empty() ? "" : r.errors.front());
    EXPECT_FALSE(r.tmpl->groups.empty());
    EXPECT_FALSE(r.tmpl->rules.empty());
  }
}

TEST(PerfTemplate, EdgeHasTheAuthFailureRule) {
  const auto r = load_template("edge");
  ASSERT_TRUE(r.tmpl);
  EXPECT_EQ(r.tmpl->name, "edge");
  const Rule& auth = r.tmpl->rules.front();
  EXPECT_EQ(auth.series.text, "avedge_auth_failures_total");
  EXPECT_EQ(auth.warning, 10);
  EXPECT_EQ(auth.error, 20);
  EXPECT_EQ(auth.samples, 2U);
  EXPECT_EQ(auth.event, "auth.bad_integrity");
  Series s{"k", "avedge_auth_failures_total", {{"reason", "x"}}, true, 0};
  EXPECT_TRUE(r.tmpl->wants(s));
  s.name = "avedge_mras_grants_total";
  EXPECT_FALSE(r.tmpl->wants(s));
}

TEST(PerfTemplate, ErrorsNameFileAndLine) {
  const auto r = parse_template(R"(description = "x"
[[group]]
title = "A"
serie = ["a"]

[[rule]]
name = "r"
series = "a"
warning = 20
error = 10
event = "auth.bad_integrty"

[[rule]]
name = "s"
series = "a{x"
warning = 1
samples = 0
)",
                                "my.toml");
  EXPECT_FALSE(r.tmpl);
  const std::string all = [&] {
    std::string s;
    for (const auto& e : r.errors) s += e + "\n";
    return s;
  }();
  EXPECT_NE(all.find("my.toml:4: unknown key 'serie' in [[group]] (did you mean series?)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("my.toml:2: group 'A' needs series"), std::string::npos) << all;
  EXPECT_NE(all.find("my.toml:6: rule 'r': error 10 is below warning 20"), std::string::npos)
      << all;
  EXPECT_NE(all.find("my.toml:15: 'a{x': the label list must end with }"), std::string::npos)
      << all;
}

TEST(PerfTemplate, UnknownEventAndBadSamplesAndSyntax) {
  auto r = parse_template(
      "[[group]]\ntitle = \"A\"\nseries = [\"a\"]\n[[rule]]\nname = \"r\"\nseries = \"a\"\n"
      "warning = 1\nevent = \"auth.bad_integrty\"\n",
      "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0],
            "t.toml:8: rule 'r': no event 'auth.bad_integrty' in the catalogue (did you mean "
            "auth.bad_integrity?)");
  r = parse_template(
      "[[group]]\ntitle = \"A\"\nseries = [\"a\"]\n[[rule]]\nname = \"r\"\n"
      "series = \"a\"\nwarning = 1\nsamples = 0\n",
      "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "t.toml:8: samples must be a whole number from 1 to 1000");
  r = parse_template("[[group]\n", "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].rfind("t.toml:1: ", 0), 0U) << r.errors[0];
}

TEST(PerfTemplate, AllIncludesEdgeAndMras) {
  const auto all = load_template("all");
  const auto edge = load_template("edge");
  const auto mras = load_template("mras");
  ASSERT_TRUE(all.tmpl && edge.tmpl && mras.tmpl);
  EXPECT_EQ(all.tmpl->groups.size(), edge.tmpl->groups.size() + mras.tmpl->groups.size());
  EXPECT_EQ(all.tmpl->rules.size(), edge.tmpl->rules.size() + mras.tmpl->rules.size());
  const auto bad = parse_template("include = [\"edeg\"]\n", "x.toml");
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_EQ(bad.errors[0].rfind("x.toml:1: in include edeg: no template 'edeg'", 0), 0U)
      << bad.errors[0];
}

TEST(PerfTemplate, LoadByNameOrFile) {
  EXPECT_TRUE(load_template("mras").tmpl);
  const auto missing = load_template("nope");
  ASSERT_EQ(missing.errors.size(), 1U);
  EXPECT_EQ(missing.errors[0], "no template 'nope': use one of edge, mras, all or a .toml file");
  const auto file =
      load_template(std::string(AVEDGE_SOURCE_DIR) + "/config/perf-templates/all.toml");
  ASSERT_TRUE(file.tmpl);
  EXPECT_EQ(file.tmpl->name, "all");
  EXPECT_EQ(load_template("/nonexistent/x.toml").errors.at(0),
            "template file /nonexistent/x.toml not found");
}

}  // namespace
}  // namespace avedge::perf
