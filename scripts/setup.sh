#!/usr/bin/env bash
# Installs what attnviz needs on Debian/Ubuntu (apt when root, otherwise prints the apt line),
# then configures and builds the release preset. With --test it also runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake pkg-config libcli11-dev libeigen3-dev nlohmann-json3-dev libstb-dev
          libutf8proc-dev fonts-dejavu-core libgtest-dev libtinyxml2-dev)

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
else
  echo "setup: no dpkg-query here; make sure these are installed: ${packages[*]}" >&2
fi

if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup: missing packages; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"

if [ "${1:-}" = "--test" ]; then
  ctest --preset release -j "$jobs"
fi
