#!/usr/bin/env bash
# Installs every Debian package avedge needs to build, test and run.
# Idempotent and fast when everything is present: it asks dpkg first and
# calls apt-get only for what is missing.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also the test tools: interop clients
#                                    (coturn's turnutils, aioice/aiortc, chromium +
#                                    chromedriver + selenium, libnice, tshark) and
#                                    the libFuzzer runtime for clang
#   scripts/install-deps.sh --dev    also clang-format and clang-tidy (make format/tidy)
#   scripts/install-deps.sh --bench  also coturn (make bench compares with it)
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config clang lld
  libssl-dev libasio-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpugixml-dev libcpp-httplib-dev libbrotli-dev zlib1g-dev libpcap-dev liburing-dev libbpf-dev
  openssl iproute2 procps
)
test_pkgs=(
  coturn tshark python3 python3-aioice python3-aiortc python3-selenium
  chromium chromium-driver libnice-dev libglib2.0-dev libclang-rt-14-dev
)
dev_pkgs=(clang-format clang-tidy)
bench_pkgs=(coturn python3 util-linux)  # make bench: coturn to compare with, taskset

want=("${build_pkgs[@]}")
for arg in "$@"; do
  case "$arg" in
    --test) want+=("${test_pkgs[@]}") ;;
    --dev) want+=("${dev_pkgs[@]}") ;;
    --bench) want+=("${bench_pkgs[@]}") ;;
    *) echo "usage: $0 [--test] [--dev] [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's coturn package may start a turnserver service; we never want it.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now coturn >/dev/null 2>&1 || true; fi
