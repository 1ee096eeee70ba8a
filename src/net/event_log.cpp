#include "net/event_log.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include <fmt/format.h>

namespace avedge::net {

namespace {

// "2026-11-25T15:30:00.123Z" (RFC 3339, UTC).
std::string iso_time(int64_t ms) {
  const auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

// {"time":"...","id":N,"event":"...","severity":"..."  (no closing brace)
std::string head(const EventKind& k, int64_t time_ms) {
  return fmt::format(R"({{"time":"{}","id":{},"event":"{}","severity":"{}")", iso_time(time_ms),
                     k.id, k.name, k.severity);
}

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

constexpr int kOff = 1 + static_cast<int>(turn::Severity::Error);

// The process-wide target. Lines are few (rate-limited), so one mutex around the write is fine.
struct Sink {
  std::mutex mu;
  FILE* file = stderr;
  bool owned = false;
  std::atomic<int> min_severity{static_cast<int>(turn::Severity::Info)};
  std::atomic<uint64_t> per_second{10};

  void write(const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    const std::lock_guard lock(mu);
    for (const auto& l : lines) {
      std::fwrite(l.data(), 1, l.size(), file);
      std::fputc('\n', file);
    }
    std::fflush(file);
  }
};

Sink& sink() {
  static Sink s;
  return s;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
}

EventKind kind_of(turn::Event e) {
  const auto* entry = turn::find_event(e);
  return {static_cast<uint16_t>(e), turn::reason_code(e),
          turn::to_string(entry != nullptr ? entry->severity : turn::Severity::Info)};
}

std::string format_event(const turn::EventInfo& e, unsigned worker, int64_t time_ms) {
  std::string out = head(kind_of(e.event), time_ms);
  out += fmt::format(",\"worker\":{}", worker);
  if (e.tuple != nullptr) {
    out += fmt::format(",\"transport\":\"{}\",\"client\":\"{}\",\"server\":\"{}\"",
                       turn::to_string(e.tuple->transport), e.tuple->client.to_string(),
                       e.tuple->server.to_string());
    if (e.tuple->conn_id != 0) out += fmt::format(",\"conn\":{}", e.tuple->conn_id);
  }
  if (!e.username.empty()) {
    out += ",\"user\":\"";
    append_json_escaped(out, e.username);
    out += '"';
  }
  if (!e.detail.empty()) {
    out += ",\"detail\":\"";
    append_json_escaped(out, e.detail);
    out += '"';
  }
  out += '}';
  return out;
}

std::string format_suppressed(const EventKind& k, const std::optional<IpAddress>& client,
                              uint64_t count, int64_t time_ms) {
  std::string out = head(k, time_ms);
  if (client) out += fmt::format(",\"client_ip\":\"{}\"", client->to_string());
  out += fmt::format(",\"suppressed\":{},\"window_s\":1}}", count);
  return out;
}

size_t EventRateLimiter::KeyHash::operator()(const Key& k) const noexcept {
  size_t h = static_cast<size_t>(k.id) * 0x9e3779b97f4a7c15ull;
  if (k.client) h ^= EndpointHash{}(Endpoint{*k.client, 0}) + 0x9e3779b97f4a7c15ull + (h << 6);
  return h;
}

EventRateLimiter::EventRateLimiter(uint64_t per_second, size_t max_keys)
    : per_second_(per_second), budget_(per_second * kBudgetFactor), max_keys_(max_keys) {}

void EventRateLimiter::flush(int64_t now_ms, std::vector<std::string>& out) {
  for (const auto& [key, count] : counts_) {
    if (count.seen > count.written) {
      out.push_back(
          format_suppressed(count.kind, key.client, count.seen - count.written, wall_ms()));
    }
  }
  counts_.clear();
  written_ = 0;
  window_start_ = now_ms;
}

void EventRateLimiter::expire(int64_t now_ms, std::vector<std::string>& out) {
  if (!counts_.empty() && (now_ms - window_start_ >= 1000 || now_ms < window_start_)) {
    flush(now_ms, out);
  }
}

bool EventRateLimiter::admit(const EventKind& k, const std::optional<IpAddress>& client,
                             int64_t now_ms, std::vector<std::string>& out) {
  if (now_ms - window_start_ >= 1000 || now_ms < window_start_) flush(now_ms, out);
  Key key{k.id, client};
  auto it = counts_.find(key);
  if (it == counts_.end()) {
    // Bounded memory: a flood from many addresses shares one key per event id.
    if (counts_.size() >= max_keys_) key.client.reset();
    it = counts_.try_emplace(key, Count{k}).first;
  }
  Count& c = it->second;
  ++c.seen;
  if (c.written >= per_second_ || written_ >= budget_) return false;
  ++c.written;
  ++written_;
  return true;
}

bool configure_event_log(const EventLogSettings& s, std::string& error) {
  Sink& k = sink();
  FILE* f = nullptr;
  if (s.target == "stdout") {
    f = stdout;
  } else if (s.target == "stderr") {
    f = stderr;
  } else {
    f = std::fopen(s.target.c_str(), "ae");
    if (f == nullptr) {
      error = fmt::format("cannot open the event log {}: {}", s.target, std::strerror(errno));
      return false;
    }
  }
  const std::lock_guard lock(k.mu);
  if (k.owned) std::fclose(k.file);
  k.file = f;
  k.owned = f != stdout && f != stderr;
  k.min_severity = s.min_severity ? static_cast<int>(*s.min_severity) : kOff;
  k.per_second = s.per_second;
  return true;
}

std::optional<turn::Severity> severity_for_level(std::string_view level) {
  if (level == "trace" || level == "debug") return turn::Severity::Debug;
  if (level == "info") return turn::Severity::Info;
  if (level == "warn" || level == "warning") return turn::Severity::Warning;
  if (level == "error" || level == "critical") return turn::Severity::Error;
  return std::nullopt;  // off
}

namespace {

// One limiter per worker thread: no lock and no sharing on the way to the verdict.
EventRateLimiter& thread_limiter() {
  thread_local EventRateLimiter limiter(sink().per_second.load(std::memory_order_relaxed));
  return limiter;
}

}  // namespace

void flush_event_log() {
  std::vector<std::string> lines;
  thread_limiter().expire(steady_ms(), lines);
  sink().write(lines);
}

void log_event_fields(const EventKind& k, turn::Severity severity, std::string_view fields) {
  Sink& s = sink();
  if (static_cast<int>(severity) < s.min_severity.load(std::memory_order_relaxed)) return;
  std::vector<std::string> lines;
  if (thread_limiter().admit(k, std::nullopt, steady_ms(), lines)) {
    lines.push_back(head(k, wall_ms()) + std::string(fields) + "}");
  }
  s.write(lines);
}

void log_event(const turn::EventInfo& e, unsigned worker) {
  Sink& k = sink();
  const auto* entry = turn::find_event(e.event);
  const int sev = static_cast<int>(entry != nullptr ? entry->severity : turn::Severity::Info);
  if (sev < k.min_severity.load(std::memory_order_relaxed)) return;
  EventRateLimiter& limiter = thread_limiter();
  std::vector<std::string> lines;
  std::optional<IpAddress> client;
  if (e.tuple != nullptr) client = e.tuple->client.ip;
  if (limiter.admit(e.event, client, steady_ms(), lines)) {
    lines.push_back(format_event(e, worker, wall_ms()));
  }
  k.write(lines);
}

}  // namespace avedge::net
