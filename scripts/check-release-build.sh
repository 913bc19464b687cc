#!/usr/bin/env bash
# Proves that the README's first command needs only the packages that running needs: configures
# and builds the release preset in a fresh build folder with every test-only package of
# scripts/packages.sh hidden from CMake — their CMake package configs disabled by name and their
# pkg-config files left out of the search path — then runs the binary as the README does.
# Fails if the release build reaches for any of them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=packages.sh
. scripts/packages.sh

mkdir -p build
# The build folder, beside build/release at the same depth (so ccache, where setup.sh --test sets
# it, finds the first build's objects), also holds the pkg-config folder and the logs.
work=$(mktemp -d "$PWD/build/release-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

hidden_cmake=() hidden_pc=()
for package in "${test_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || continue
  while read -r file; do
    case $file in
      */cmake/*Config.cmake) hidden_cmake+=("$(basename "$file" Config.cmake)") ;;
      */cmake/*-config.cmake) hidden_cmake+=("$(basename "$file" -config.cmake)") ;;
      *.pc) hidden_pc+=("$(basename "$file")") ;;
    esac
  done < <(dpkg -L "$package" 2>/dev/null)
done

# pkg-config sees every .pc file of this machine except the hidden ones.
mkdir "$work/pkgconfig"
IFS=: read -r -a pc_dirs <<<"$(pkg-config --variable pc_path pkg-config)"
for dir in "${pc_dirs[@]}"; do
  for pc in "$dir"/*.pc; do
    [ -e "$pc" ] || continue
    name=$(basename "$pc")
    [[ " ${hidden_pc[*]} " == *" $name "* ]] && continue
    [ -e "$work/pkgconfig/$name" ] || ln -s "$pc" "$work/pkgconfig/$name"
  done
done

flags=()
for name in "${hidden_cmake[@]}"; do flags+=("-DCMAKE_DISABLE_FIND_PACKAGE_$name=ON"); done
echo "check-release-build: hidden from CMake: ${hidden_cmake[*]:-(none)}; pkg-config: ${hidden_pc[*]:-(none)}"
PKG_CONFIG_LIBDIR=$work/pkgconfig PKG_CONFIG_PATH='' \
  cmake --preset release -B "$work" "${flags[@]}" >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log" >&2
  echo "check-release-build: FAILED: the release preset does not configure without the test packages" >&2
  exit 1
}
cmake --build "$work" -j "$(nproc 2>/dev/null || echo 2)" >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  echo "check-release-build: FAILED: the release preset does not build without the test packages" >&2
  exit 1
}
"$work/attnviz" --text "Azərbaycan dili" --no-summary --color never | head -4
echo "check-release-build: ok"
