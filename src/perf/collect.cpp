#include "perf/collect.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "perf/recorder.hpp"

namespace avedge::perf {

namespace {

bool write_all(const std::string& path, const Table& t, std::string& error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << to_csv(t);
    if (!f) {
      error = fmt::format("cannot write {}", tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) error = fmt::format("cannot write {}: {}", path, ec.message());
  return !ec;
}

bool append_row(const std::string& path, const Table& t, std::string& error) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << csv_row(t.rows.back(), t.columns.size());
  if (!f) error = fmt::format("cannot append to {}", path);
  return static_cast<bool>(f);
}

}  // namespace

CollectResult collect(const CollectOptions& o, const PerfTemplate& tmpl,
                      const std::function<void(const std::string&)>& progress) {
  CollectResult out;
  Recorder rec([&tmpl](const Series& s) { return tmpl.wants(s); });
  const auto samples = static_cast<size_t>(o.duration / o.interval);
  const auto start = std::chrono::steady_clock::now();
  double last_time = 0;
  for (size_t i = 0; i <= samples; ++i) {
    std::this_thread::sleep_until(start + i * o.interval);
    const FetchResult f = fetch_snapshot(o.admin);
    if (!f.snapshot) {
      if (i == 0) {
        out.error = f.error;
        return out;
      }
      // Keep one row per interval: a row without values at the expected time.
      ++out.failed_samples;
      last_time += std::chrono::duration<double>(o.interval).count();
      rec.add_gap(last_time);
      if (progress) progress(fmt::format("sample {}/{}: {}", i, samples, f.error));
    } else {
      last_time = f.snapshot->time;
      bool new_columns = false;
      if (!rec.add(*f.snapshot, new_columns) && i != 0) continue;
      if (i == 0) {
        // The header goes out with the baseline sample, so the file exists from the start.
        if (!write_all(o.output, rec.table(), out.error)) return out;
        if (progress) progress(fmt::format("baseline: {} series", rec.table().columns.size()));
        continue;
      }
      if (progress) progress(fmt::format("sample {}/{}", i, samples));
      if (new_columns) {
        if (!write_all(o.output, rec.table(), out.error)) return out;
        continue;
      }
    }
    if (!append_row(o.output, rec.table(), out.error)) return out;
  }
  out.rows = rec.table().rows.size();
  out.columns = rec.table().columns.size();
  return out;
}

}  // namespace avedge::perf
