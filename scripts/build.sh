#!/usr/bin/env bash
# scripts/build.sh KIND [TARGET...]
#   KIND release  build/       Release, the binary build/avedge and the unit tests
#   KIND asan     build-asan/  Debug + AddressSanitizer + UBSan (-DAVEDGE_SANITIZE=ON)
#   KIND fuzz     build-fuzz/  clang++ + libFuzzer targets   (-DAVEDGE_FUZZ=ON)
# Configures with CMake + Ninja when the directory is not configured yet (or
# was configured with another generator), then builds TARGETs (default: all)
# with `ninja -j$JOBS` (JOBS defaults to 2: the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/build.sh release|asan|fuzz [target...]}
shift
JOBS=${JOBS:-2}

case "$kind" in
  release) dir=build;      args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DAVEDGE_SANITIZE=ON) ;;
  fuzz)    dir=build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAVEDGE_FUZZ=ON
                                 -DAVEDGE_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "unknown build kind '$kind' (release|asan|fuzz)" >&2; exit 2 ;;
esac

# A directory configured by another generator (e.g. a manual `cmake -B build`
# with Makefiles) cannot be switched to Ninja in place: start it afresh.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  echo "$dir/ was configured with another generator; reconfiguring from scratch"
  rm -rf "$dir"
fi
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "${args[@]}"
fi
ninja -C "$dir" -j "$JOBS" "$@"
