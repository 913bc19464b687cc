#!/usr/bin/env bash
# cmake --install puts the binary, man page, completions, sample data and copyright where a Debian
# user looks for them — under --prefix, and under /usr/local by default (tried through DESTDIR) —
# and the installed binary runs on the installed sample data.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/check.sh"
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect_files() {  # ROOT ZSH_DIR
  for f in bin/attnviz share/man/man1/attnviz.1.gz share/man/az/man1/attnviz.1.gz \
           share/bash-completion/completions/attnviz \
           "share/zsh/$2/_attnviz" share/doc/attnviz/copyright share/doc/attnviz/LICENSE \
           share/doc/attnviz/README.md share/attnviz/README.md \
           share/attnviz/texts/azerbaycan-dili.txt share/attnviz/weights/azerbaycan-dili-torch.json \
           share/attnviz/examples/lesson-pronoun.png; do
    [ -f "$1/$f" ] || fail "$1/$f is not installed"
  done
  [ -x "$1/bin/attnviz" ] || fail "$1/bin/attnviz is not executable"
}

cmake --install "$build" --prefix "$work/opt" >/dev/null
expect_files "$work/opt" site-functions
args=(--file "$work/opt/share/attnviz/texts/azerbaycan-dili.txt" --color never
      --weights "$work/opt/share/attnviz/weights/azerbaycan-dili-torch.json")
installed=$("$work/opt/bin/attnviz" "${args[@]}") || fail "the installed binary failed"
[ "$installed" = "$("$build/attnviz" "${args[@]}")" ] || fail "installed and built binaries differ"
expect_contains "$installed" "14 i  " "the installed binary's table"
# The shipped model is inside the binary: it runs from anywhere, with no data beside it.
report=$(cd / && "$work/opt/bin/attnviz" --model az --text "kitablar evlər" --heads-report) ||
  fail "the installed binary could not run --model az"
expect_contains "$report" "previous-token head" "the installed binary's heads report"
for card in model-card-az.md model-card-az-long.md; do
  [ -f "$work/opt/share/doc/attnviz/$card" ] || fail "$card is not installed"
done
[ ! -e "$work/opt/share/attnviz/models" ] || fail "data/models is installed; the model is built in"
zcat "$work/opt/share/man/man1/attnviz.1.gz" | grep -q '^\.TH ATTNVIZ 1' || fail "man page header"
# The Azerbaijani page is where man -L az looks: MANPATH/az/man1.
if command -v man >/dev/null; then
  az_page=$(MANPATH="$work/opt/share/man" MANWIDTH=100 man -L az attnviz 2>/dev/null | cat) || true
  expect_contains "$az_page" "XÜLASƏ" "man -L az attnviz"
  expect_contains "$az_page" "Tokenlərə bölünəcək və üzərində diqqət hesablanacaq mətn" "man -L az: --text"
fi

DESTDIR=$work/dest cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ "$prefix" = /usr/local ] || fail "default prefix is $prefix, expected /usr/local"
expect_files "$work/dest$prefix" site-functions
echo "installed $(find "$work/opt" -type f | wc -l) files under --prefix"
finish
