// The event log (issue 5 item 3): turn::Io::event → one JSON line per event,
//   {"time":"2026-11-25T15:30:00.123Z","id":2006,"event":"auth.bad_integrity",
//    "severity":"warning","worker":0,"transport":"udp","client":"...","server":"...",
//    "user":"...","detail":"..."}
// to stdout, stderr or a file ([log] events). Events below [log] level are not written (the
// catalogue's debug events need level = "debug"). Each worker thread rate-limits its own lines:
// at most `rate` per second per (event id, client IP), then one "suppressed N" line per window.
// Never a password or a secret: the core passes none, and the username is escaped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/address.hpp"
#include "turn/event_catalogue.hpp"
#include "turn/io.hpp"

namespace avedge::net {

// What every event line starts with: its catalogue id, reason code and severity. Relay events
// take theirs from turn/event_catalogue.hpp; MRAS events (5000-5999) pass their own.
struct EventKind {
  uint16_t id = 0;
  std::string_view name;      // static storage
  std::string_view severity;  // static storage
};
EventKind kind_of(turn::Event e);

// `time` is the wall clock in unix milliseconds.
std::string format_event(const turn::EventInfo& e, unsigned worker, int64_t time_ms);
// {"time":...,"id":2006,"event":"auth.bad_integrity","severity":"warning","suppressed":N,...}
std::string format_suppressed(const EventKind& k, const std::optional<IpAddress>& client,
                              uint64_t count, int64_t time_ms);
void append_json_escaped(std::string& out, std::string_view s);

// Per-thread flood control, bounded memory and output: at most `per_second` lines per
// (event, client IP) and 20 × `per_second` lines in all per one-second window; at most
// `max_keys` keys per window, beyond that events are keyed by event id alone. What is held back
// is counted and reported as one "suppressed N" line per key and window.
class EventRateLimiter {
 public:
  static constexpr uint64_t kBudgetFactor = 20;
  explicit EventRateLimiter(uint64_t per_second, size_t max_keys = 256);
  // Whether to write this event. When `now_ms` starts a new window, the summaries of the old
  // one are appended to `out` first.
  bool admit(const EventKind& k, const std::optional<IpAddress>& client, int64_t now_ms,
             std::vector<std::string>& out);
  bool admit(turn::Event e, const std::optional<IpAddress>& client, int64_t now_ms,
             std::vector<std::string>& out) {
    return admit(kind_of(e), client, now_ms, out);
  }
  // Ends the window when it is over (a worker's timer calls this, so a summary does not wait
  // for the next event).
  void expire(int64_t now_ms, std::vector<std::string>& out);
  // Ends the current window now: its summaries go to `out`.
  void flush(int64_t now_ms, std::vector<std::string>& out);
  [[nodiscard]] size_t keys() const { return counts_.size(); }

 private:
  struct Key {
    uint16_t id;
    std::optional<IpAddress> client;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  struct Count {
    EventKind kind;
    uint64_t seen = 0;
    uint64_t written = 0;
  };
  uint64_t per_second_;
  uint64_t budget_;
  uint64_t written_ = 0;
  size_t max_keys_;
  int64_t window_start_ = 0;
  std::unordered_map<Key, Count, KeyHash> counts_;
};

// Where event lines go; process-wide, set once by `avedge serve` before the workers start.
struct EventLogSettings {
  std::string target = "stderr";  // "stdout", "stderr" or a file path (appended)
  std::optional<turn::Severity> min_severity = turn::Severity::Info;  // nullopt: off
  uint64_t per_second = 10;
};
// Opens the target; false with `error` set when the file cannot be opened.
bool configure_event_log(const EventLogSettings& s, std::string& error);
// The severity threshold for a [log] level name (trace/debug → debug, warn → warning, ...);
// nullopt for "off".
std::optional<turn::Severity> severity_for_level(std::string_view level);

void log_event(const turn::EventInfo& e, unsigned worker);
// An event of another layer (MRAS): `fields` is a JSON fragment `,"k":"v",...` (already escaped),
// rate-limited per event id like the relay's.
void log_event_fields(const EventKind& k, turn::Severity severity, std::string_view fields);
// Writes the calling worker's pending "suppressed N" lines once their window is over.
void flush_event_log();

}  // namespace avedge::net
