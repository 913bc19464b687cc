#!/usr/bin/env bash
# Runs the generated completion functions as the shells would: bash's on typed command lines
# (option names, fixed values, --option=value, file names), zsh's _arguments specification.
# Usage: completion_test.sh BASH_COMPLETION ZSH_COMPLETION
set -euo pipefail
. "$(dirname "$0")/check.sh"
bash_file=$(realpath "$1") zsh_file=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/weights.json" "$work/words.txt"
mkdir "$work/wdir"

# complete LINE: what bash offers for the last word of LINE (split like bash, '=' its own word).
complete_line() {
  bash -c '
    . "$1"
    read -r -a COMP_WORDS <<<"$2"
    [[ $2 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _attnviz
    ((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_file" "$1" | sort | tr '\n' ' '
}

cd "$work"
expect_contains "$(complete_line 'attnviz --cm')" "--cmap" "option name"
[ "$(complete_line 'attnviz --tok')" = "--tokenizer --tokens " ] ||
  fail "--tok completes to '$(complete_line 'attnviz --tok')'"
[ "$(complete_line 'attnviz --cmap ')" = "blues cividis gray greys inferno magma plasma viridis " ] ||
  fail "--cmap values: '$(complete_line 'attnviz --cmap ')'"
[ "$(complete_line 'attnviz --cmap ma')" = "magma " ] || fail "--cmap ma: '$(complete_line 'attnviz --cmap ma')'"
[ "$(complete_line 'attnviz --theme ')" = "dark light " ] || fail "--theme"
[ "$(complete_line 'attnviz --tokenizer ')" = "char word " ] || fail "--tokenizer"
[ "$(complete_line 'attnviz --lang ')" = "az en " ] || fail "--lang"
[ "$(complete_line 'attnviz --lang = ')" = "az en " ] || fail "--lang="
[ "$(complete_line 'attnviz --cmap = in')" = "inferno " ] || fail "--cmap=in"
[ "$(complete_line 'attnviz --weights w')" = "wdir weights.json words.txt " ] ||
  fail "--weights w: '$(complete_line 'attnviz --weights w')'"
[ "$(complete_line 'attnviz --text "x" --file wo')" = "words.txt " ] || fail "--file"
[ -z "$(complete_line 'attnviz --seed ')" ] || fail "--seed offers words"
echo "bash: completions checked"

if command -v zsh >/dev/null; then
  zsh -n "$zsh_file" || fail "zsh cannot parse $zsh_file"
  # The specification _attnviz hands to _arguments, one per line.
  specs=$(zsh -c '_arguments() { printf "%s\n" "$@"; }; . "$1"' _ "$zsh_file")
  grep -qF -- '--cmap=[Colormap of the heatmap and the table'\''s shading]:TEXT:(viridis magma inferno plasma cividis gray greys blues)' <<<"$specs" ||
    fail "zsh: --cmap spec"
  grep -qF -- '--weights=[' <<<"$specs" && grep -q -- '^(-w --weights.*--weights=\[.*:file:_files$' <<<"$specs" ||
    fail "zsh: --weights completes files"
  grep -q -- '^(-t --text --file --tokens)-t+\[' <<<"$specs" || fail "zsh: -t excludes --file"
  echo "zsh: specification checked ($(wc -l <<<"$specs") lines)"
else
  fail "zsh is not installed (scripts/packages.sh installs it for the tests)"
fi
finish
