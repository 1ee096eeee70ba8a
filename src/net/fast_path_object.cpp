// The compiled tc program, embedded so that avedge is one file (CMakeLists.txt builds it).
#include "net/fast_path_object.hpp"

#ifdef AVEDGE_BPF_OBJECT
__asm__(
    ".pushsection .rodata\n"
    ".balign 8\n"
    ".global avedge_bpf_object_start\n"
    "avedge_bpf_object_start:\n"
    ".incbin \"" AVEDGE_BPF_OBJECT
    "\"\n"
    ".global avedge_bpf_object_end\n"
    "avedge_bpf_object_end:\n"
    ".popsection\n");
extern "C" const unsigned char avedge_bpf_object_start[];
extern "C" const unsigned char avedge_bpf_object_end[];

namespace avedge::net {
std::span<const unsigned char> fast_path_object() {
  return {avedge_bpf_object_start, avedge_bpf_object_end};
}
}  // namespace avedge::net
#else
namespace avedge::net {
std::span<const unsigned char> fast_path_object() {
  return {};
}
}  // namespace avedge::net
#endif
