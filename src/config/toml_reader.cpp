#include "config/toml_reader.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "config/suggest.hpp"

namespace avedge::config {

const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

std::string read_text_file(const std::filesystem::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string table_label(const TableSpec& t) {
  return t.array_of_tables ? fmt::format("[[{}]]", t.name) : fmt::format("[{}]", t.name);
}

void TomlReader::wrong_type(const toml::node& n, const KeySpec& spec, const char* expected) {
  error(at(n), fmt::format("{}: expected {}, found {}", spec.key, expected, toml_type_name(n)),
        fmt::format("write {}", spec.example));
}

void TomlReader::unknown_key(const TableSpec& t, const toml::key& k) {
  const std::string_view name = k.str();
  const std::string label = table_label(t);
  std::vector<std::string_view> keys;
  for (const auto& s : t.keys) keys.push_back(s.key);
  if (auto n = nearest(name, keys)) {
    error(at(k), fmt::format("unknown key \"{}\" in {}; did you mean \"{}\"?", name, label, *n),
          fmt::format("write {}", find_key(t, *n)->example));
    return;
  }
  for (const auto& other : schema()) {
    if (other.name != t.name && find_key(other, name) != nullptr) {
      error(at(k),
            fmt::format("unknown key \"{}\" in {}; did you mean {} {}?", name, label,
                        table_label(other), name),
            fmt::format("move it below the {} line", table_label(other)));
      return;
    }
  }
  std::string list;
  for (auto key : keys) list += fmt::format("{}{}", list.empty() ? "" : ", ", key);
  error(at(k), fmt::format("unknown key \"{}\" in {}", name, label),
        fmt::format("known keys of {}: {}", label, list));
}

std::optional<std::string> TomlReader::get_string(const toml::node& n, const KeySpec& spec) {
  if (auto s = n.value<std::string>(); s && n.is_string()) return s;
  wrong_type(n, spec, "a string");
  return std::nullopt;
}

std::optional<bool> TomlReader::get_bool(const toml::node& n, const KeySpec& spec) {
  if (n.is_boolean()) return n.value<bool>();
  wrong_type(n, spec, "true or false");
  return std::nullopt;
}

std::optional<int64_t> TomlReader::get_int(const toml::node& n, const KeySpec& spec) {
  if (n.is_integer()) return n.value<int64_t>();
  wrong_type(n, spec, "an integer");
  return std::nullopt;
}

std::optional<int64_t> TomlReader::get_int_in(const toml::node& n, const KeySpec& spec, int64_t lo,
                                              int64_t hi, std::string fix) {
  auto v = get_int(n, spec);
  if (v && (*v < lo || *v > hi)) {
    error(at(n), fmt::format("{} {}: must be {} to {}", spec.key, *v, lo, hi), std::move(fix));
    return std::nullopt;
  }
  return v;
}

std::filesystem::path TomlReader::resolve(const std::string& p) const {
  std::filesystem::path path(p);
  if (path.is_relative()) return base_dir_ / path;
  return path;
}

std::optional<std::string> TomlReader::read_secret_file(const toml::node& n, std::string_view key,
                                                        const std::string& path) {
  bool ok = false;
  std::string text = read_text_file(resolve(path), ok);
  if (!ok) {
    error(at(n), fmt::format("{} \"{}\": cannot read the file", key, path),
          "check the path (relative paths start at the config file's folder) and its "
          "permissions");
    return std::nullopt;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() < 16) {
    error(at(n), fmt::format("{} \"{}\": secret shorter than 16 characters", key, path),
          "write a long random secret into it, e.g. `openssl rand -hex 32 > FILE`");
    return std::nullopt;
  }
  return text;
}

}  // namespace avedge::config
