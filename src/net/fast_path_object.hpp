// The BPF object file of bpf/channel_relay.bpf.c as built with avedge (empty when the build
// had no libbpf or clang).
#pragma once

#include <span>

namespace avedge::net {
std::span<const unsigned char> fast_path_object();
}  // namespace avedge::net
