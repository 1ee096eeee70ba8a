#include "perf/table.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace avedge::perf {

namespace {

// RFC 4180 §2: a field with a comma, quote or line break is quoted, quotes doubled.
std::string quoted(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Fixed notation without trailing zeros: 12.5, 1234567, 0.001.
std::string number(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Splits one CSV record; false when a quote is not closed.
bool split_record(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool in_quotes = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return !in_quotes;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string Column::header() const {
  return rate ? "rate(" + key + ")" : key;
}

Column Column::from_header(std::string_view h) {
  if (h.starts_with("rate(") && h.ends_with(")")) {
    return {std::string(h.substr(5, h.size() - 6)), true};
  }
  return {std::string(h), false};
}

std::optional<size_t> Table::column(std::string_view key) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].key == key) return i;
  }
  return std::nullopt;
}

std::string csv_header(const Table& t) {
  std::string out = "time";
  for (const auto& c : t.columns) out += "," + quoted(c.header());
  return out + "\n";
}

std::string csv_row(const Row& r, size_t columns) {
  std::string out = number(r.time);
  for (size_t i = 0; i < columns; ++i) {
    out += ',';
    if (i < r.values.size() && r.values[i]) out += number(*r.values[i]);
  }
  return out + "\n";
}

std::string to_csv(const Table& t) {
  std::string out = csv_header(t);
  for (const auto& r : t.rows) out += csv_row(r, t.columns.size());
  return out;
}

TableResult parse_csv(std::string_view text, const std::string& file_name) {
  Table t;
  std::vector<std::string> cells;
  size_t line_no = 0;
  auto fail = [&](const std::string& what) {
    return TableResult{std::nullopt, fmt::format("{}:{}: {}", file_name, line_no, what)};
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (!split_record(line, cells)) return fail("a quoted cell is not closed");
    if (line_no == 1) {
      if (cells.front() != "time") return fail("the header must start with the column time");
      for (size_t i = 1; i < cells.size(); ++i) t.columns.push_back(Column::from_header(cells[i]));
      continue;
    }
    if (cells.size() != t.columns.size() + 1) {
      return fail(fmt::format("{} cells, the header has {}", cells.size(), t.columns.size() + 1));
    }
    Row r;
    const auto time = parse_number(cells[0]);
    // Unix seconds, up to the year 5138.
    if (!time || *time < 0 || *time >= 1e11) {
      return fail(fmt::format("time '{}' is not unix seconds", cells[0]));
    }
    r.time = *time;
    for (size_t i = 1; i < cells.size(); ++i) {
      if (cells[i].empty()) {
        r.values.emplace_back();
        continue;
      }
      const auto v = parse_number(cells[i]);
      if (!v) return fail(fmt::format("cell {} '{}' is not a number", i + 1, cells[i]));
      r.values.push_back(v);
    }
    t.rows.push_back(std::move(r));
  }
  if (line_no == 0) return fail("empty file: no header");
  return {std::move(t), {}};
}

}  // namespace avedge::perf
