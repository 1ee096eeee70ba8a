// `avedge analyze`: file type from content (pcap/pcapng magic numbers, SDP lines), then the
// capture or SDP analysis; times and exit status.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

#include "diag/analyze.hpp"

namespace avedge::diag {

namespace {

// pcap (tcpdump.org/manpages/pcap-savefile.5): micro- and nanosecond magics, both byte orders.
// pcapng: Section Header Block type 0x0A0D0D0A (draft-ietf-opsawg-pcapng §4.1).
const char* capture_format(std::string_view d) {
  if (d.size() < 4) return nullptr;
  const auto b = [&](size_t i) { return static_cast<uint8_t>(d[i]); };
  const uint32_t magic =
      (uint32_t{b(0)} << 24) | (uint32_t{b(1)} << 16) | (uint32_t{b(2)} << 8) | b(3);
  switch (magic) {
    case 0xA1B2C3D4:
    case 0xD4C3B2A1:
    case 0xA1B23C4D:
    case 0x4D3CB2A1:
      return "pcap";
    case 0x0A0D0D0A:
      return "pcapng";
    default:
      return nullptr;
  }
}

bool looks_like_sdp(std::string_view d) {
  if (d.find('\0') != std::string_view::npos) return false;
  return d.find("a=candidate:") != std::string_view::npos ||
         d.find("a=x-candidate") != std::string_view::npos ||
         (d.find("v=0") != std::string_view::npos && d.find("m=") != std::string_view::npos);
}

std::string first_bytes(std::string_view d) {
  if (d.empty()) return "empty file";
  std::string s = "first bytes";
  for (size_t i = 0; i < std::min<size_t>(d.size(), 4); ++i) {
    s += fmt::format(" {:02x}", static_cast<uint8_t>(d[i]));
  }
  return s + ", no SDP lines";
}

std::string not_a_capture(const std::string& name, const std::string& why) {
  return fmt::format("{}: not a pcap/pcapng/SDP file ({})", name, why);
}

}  // namespace

FileReport analyze_bytes(std::string_view data, const std::string& name) {
  FileReport r;
  r.file = name;
  if (const char* fmt_name = capture_format(data)) {
    r.type = fmt_name;
    Capture cap;
    cap.format = fmt_name;
    std::string error;
    const bool ok = read_capture_bytes({reinterpret_cast<const uint8_t*>(data.data()), data.size()},
                                       cap, error);
    if (!ok && cap.frames == 0) {
      r.error = not_a_capture(name, "libpcap: " + error);
      return r;
    }
    if (!ok) {
      r.error = fmt::format("{}: truncated capture: read {} frames, then libpcap: {}", name,
                            cap.frames, error);
    }
    analyze_units(cap, extract_units(cap), r);
    return r;
  }
  if (looks_like_sdp(data)) {
    r.type = "sdp";
    analyze_sdp(data, r);
    return r;
  }
  r.error = not_a_capture(name, first_bytes(data));
  return r;
}

FileReport analyze_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FileReport r;
    r.file = path;
    r.error = fmt::format("{}: cannot read ({})", path, std::strerror(errno));
    return r;
  }
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return analyze_bytes(data, path);
}

int analyze_exit_status(const std::vector<FileReport>& reports) {
  int status = 0;
  for (const FileReport& r : reports) {
    if (!r.error.empty()) return 2;
    for (const AnalyzeFinding& f : r.findings) {
      if (f.severity != Severity::Info) status = 1;
    }
  }
  return status;
}

namespace {

// Capture and credential times are clamped to years 1970-9999 (no float-to-int overflow).
double clamp_time(double t) {
  return t >= 0 && t <= 253402300799.0 ? t : 0;
}

}  // namespace

std::string clock_time(double t) {
  t = clamp_time(t);
  const auto secs = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const auto ms = static_cast<int>((t - static_cast<double>(secs)) * 1000);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::string date_time(double t) {
  const auto secs = static_cast<time_t>(clamp_time(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace avedge::diag
