// Reading pcap and pcapng files with libpcap (pcap_open_offline reads both).
#include <pcap/pcap.h>

#include <cstdio>
#include <memory>

#include "diag/analyze_capture.hpp"

namespace avedge::diag {

namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapCloser>;

bool read_all(pcap_t* p, Capture& out, std::string& error) {
  out.linktype = pcap_datalink(p);
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  for (;;) {
    const int rc = pcap_next_ex(p, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK) return true;  // end of file
    if (rc != 1) {
      error = pcap_geterr(p);
      return false;
    }
    ++out.frames;
    const double t =
        static_cast<double>(hdr->ts.tv_sec) + static_cast<double>(hdr->ts.tv_usec) / 1e6;
    const std::span<const uint8_t> frame(data, hdr->caplen);
    if (!decode_frame(out.linktype, frame, t, hdr->caplen < hdr->len, out)) ++out.undecoded;
  }
}

bool open_failed(const char* errbuf, std::string& error) {
  error = errbuf[0] != '\0' ? errbuf : "libpcap could not open it";
  return false;
}

}  // namespace

bool read_capture(const std::string& path, Capture& out, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  PcapPtr p(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf));
  if (!p) return open_failed(errbuf, error);
  return read_all(p.get(), out, error);
}

bool read_capture_bytes(std::span<const uint8_t> data, Capture& out, std::string& error) {
  if (data.empty()) {
    error = "empty input";
    return false;
  }
  // fmemopen does not write through a read-only ("r") stream; the cast only fits its signature.
  FILE* f = fmemopen(const_cast<uint8_t*>(data.data()), data.size(), "r");
  if (f == nullptr) {
    error = "fmemopen failed";
    return false;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  PcapPtr p(pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf));
  if (!p) {
    std::fclose(f);
    return open_failed(errbuf, error);
  }
  return read_all(p.get(), out, error);  // pcap_close closes f
}

}  // namespace avedge::diag
