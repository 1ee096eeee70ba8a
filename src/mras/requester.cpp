#include "mras/requester.hpp"

namespace avedge::mras {

const char* channel_name(Channel c) {
  switch (c) {
    case Channel::SipTcp:
      return "sip-tcp";
    case Channel::SipTls:
      return "sip-tls";
    case Channel::Http:
      return "http";
  }
  return "?";
}

std::string Requester::describe() const {
  std::string out;
  for (const auto& n : cert_names) {
    out += out.empty() ? "cert=" : ",";
    out += n;
  }
  if (address) {
    if (!out.empty()) out += ' ';
    out += "addr=" + address->to_string();
  }
  if (!api_key.empty()) {
    if (!out.empty()) out += ' ';
    out += "api_key=(given)";
  }
  return out.empty() ? "(anonymous)" : out;
}

}  // namespace avedge::mras
