#!/usr/bin/env bash
# cpack builds attnviz_VERSION_ARCH.deb: its control fields (Depends: the font, and the package of
# each shared library the binary loads), its files in Debian's places, every dependency installable
# here, and the binary unpacked from it runs and writes a heatmap.
# Usage: package_test.sh BUILD_DIR VERSION
set -euo pipefail
. "$(dirname "$0")/check.sh"
build=$1 version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2
  fail "cpack failed"
  finish
}
deb=$work/out/attnviz_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { fail "no $(basename "$deb") in: $(ls "$work/out")"; finish; }

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = attnviz ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
depends=$(field Depends)
expect_contains "$depends" fonts-dejavu-core "Depends"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] || fail "Maintainer/Description"
# Every package named in Depends exists here at a version that satisfies it (as apt would check).
IFS=',' read -r -a deps <<<"$depends"
for dep in "${deps[@]}"; do
  name=$(awk '{print $1}' <<<"$dep")
  installed=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) || { fail "$name is not installable here"; continue; }
  if [[ $dep =~ \(\>=\ ([^\)]+)\) ]]; then
    dpkg --compare-versions "$installed" ge "${BASH_REMATCH[1]}" || fail "$dep: $name is $installed"
  fi
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/attnviz ./usr/share/man/man1/attnviz.1.gz ./usr/share/man/az/man1/attnviz.1.gz \
         ./usr/share/bash-completion/completions/attnviz ./usr/share/zsh/vendor-completions/_attnviz \
         ./usr/share/doc/attnviz/copyright ./usr/share/attnviz/texts/azerbaycan-dili.txt; do
  grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
grep -v '^\./usr/' <<<"$contents" | grep -vx '\./' && fail "files outside /usr"
dpkg-deb -x "$deb" "$work/root"
# Each shared library the binary loads (none when it is a static PIE) is in Depends by its package.
while read -r lib; do
  package=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$package" ] || { fail "no package here has $lib"; continue; }
  expect_contains "$depends" "$package (>=" "Depends"
done < <(ldd "$work/root/usr/bin/attnviz" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}')
head -1 "$work/root/usr/share/doc/attnviz/copyright" | grep -q '^Format: ' || fail "copyright is not DEP-5"
"$work/root/usr/bin/attnviz" --text "Azərbaycan dili" --png "$work/out.png" --no-table ||
  fail "the packaged binary failed"
[ "$(head -c 8 "$work/out.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] ||
  fail "the packaged binary wrote no PNG"
(cd / && "$work/root/usr/bin/attnviz" --model az --text "evlər" --png "$work/az.png" --no-table) ||
  fail "the packaged binary could not run its shipped model"
[ -s "$work/az.png" ] || fail "the packaged binary wrote no PNG of the shipped model"
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KB, Depends: $depends"
finish
