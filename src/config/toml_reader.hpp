// Reading typed values out of toml++ nodes with file:line errors: the helpers shared by the
// loader's tables (loader.cpp) and the topology tables (loader_topology.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <toml++/toml.h>

#include "config/problem.hpp"
#include "config/schema.hpp"

namespace avedge::config {

const char* toml_type_name(const toml::node& n);
std::string read_text_file(const std::filesystem::path& p, bool& ok);
// "[edge]" or "[[edge_pool]]".
std::string table_label(const TableSpec& t);

class TomlReader {
 public:
  TomlReader(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  [[nodiscard]] SourcePos at(const toml::node& n) const {
    return SourcePos{file_, n.source().begin.line};
  }
  [[nodiscard]] SourcePos at(const toml::key& k) const {
    return SourcePos{file_, k.source().begin.line};
  }
  void error(SourcePos where, std::string cause, std::string fix) {
    errors_.push_back(ConfigError{std::move(where), std::move(cause), std::move(fix)});
  }
  void add(ConfigError e) { errors_.push_back(std::move(e)); }
  // A problem `avedge check` explains as `rule` (see ConfigError::rule).
  void rule_error(SourcePos where, std::string cause, std::string fix, std::string rule) {
    errors_.push_back(
        ConfigError{std::move(where), std::move(cause), std::move(fix), std::move(rule)});
  }
  Errors& errors() { return errors_; }

  void wrong_type(const toml::node& n, const KeySpec& spec, const char* expected);
  // An unknown key of table t: the nearest key of t, or the other table that has it.
  void unknown_key(const TableSpec& t, const toml::key& k);

  std::optional<std::string> get_string(const toml::node& n, const KeySpec& spec);
  std::optional<bool> get_bool(const toml::node& n, const KeySpec& spec);
  std::optional<int64_t> get_int(const toml::node& n, const KeySpec& spec);
  // An integer from lo to hi; outside: "KEY N: must be LO to HI; fix: FIX" and nullopt.
  std::optional<int64_t> get_int_in(const toml::node& n, const KeySpec& spec, int64_t lo,
                                    int64_t hi, std::string fix);

  // Calls f(element, text) for each string of an array of strings.
  template <typename F>
  void each_string(const toml::node& n, const KeySpec& spec, F&& f) {
    const toml::array* arr = n.as_array();
    if (arr == nullptr) {
      wrong_type(n, spec, "an array of strings");
      return;
    }
    for (const toml::node& e : *arr) {
      if (!e.is_string()) {
        wrong_type(e, spec, "an array of strings");
        continue;
      }
      f(e, *e.value<std::string>());
    }
  }

  // Parses a string value with p and stores it into out with its position.
  template <typename T, typename P>
  void string_value(const toml::node& n, const KeySpec& spec, P p, Located<T>& out) {
    auto s = get_string(n, spec);
    if (!s) return;
    auto r = p(*s);
    if (!r.ok()) {
      errors_.push_back(value_error(at(n), spec.key, *s, r.problem));
      return;
    }
    out = Located<T>{std::move(*r.value), at(n)};
  }

  // Relative paths start at the configuration file's folder.
  [[nodiscard]] std::filesystem::path resolve(const std::string& p) const;
  // A secret kept in a file: read, trailing newlines and spaces stripped, at least 16 bytes.
  // `key` names the setting in errors; the secret is never echoed.
  std::optional<std::string> read_secret_file(const toml::node& n, std::string_view key,
                                              const std::string& path);

 protected:
  std::string file_;
  std::filesystem::path base_dir_;
  Errors errors_;
};

}  // namespace avedge::config
