#!/usr/bin/env bash
# The generated man page: groff reads it without a warning, it has every section a man page
# should, and every option --help lists is documented in it.
# Usage: man_test.sh ATTNVIZ MAN_PAGE_GZ
set -euo pipefail
. "$(dirname "$0")/check.sh"
attnviz=$1 page=$2

warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1) || fail "groff failed"
[ -z "$warnings" ] || fail "groff warns: $warnings"
# Plain text: grotty without overstriking for bold and underline (col(1) is not in minimal systems).
text=$(zcat "$page" | groff -man -Tutf8 -P-cbou 2>/dev/null)
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
  grep -q "^$section\$" <<<"$text" || fail "no $section section"
done
for variable in NO_COLOR LANG LC_ALL COLUMNS; do expect_contains "$text" "$variable" "ENVIRONMENT"; done
# Every option of --help, under the same group heading as in --help.
help=$("$attnviz" --help)
group=
while IFS= read -r line; do
  if [[ $line =~ ^([A-Z][^:]*):$ ]]; then
    group=${BASH_REMATCH[1]}
  elif [[ $line =~ ^\ \ (-[a-zA-Z],)?(--[a-z0-9-]+) ]]; then
    option=${BASH_REMATCH[2]}
    section=$(awk -v g="   $group" '$0 == g {on=1; next} /^   [A-Z]/ {on=0} on' <<<"$text")
    grep -qE -- "^ +(-[a-zA-Z], )?$option( |$)" <<<"$section" ||
      fail "$option is not documented under \"$group\""
    count=$((${count:-0} + 1))
  fi
done <<<"$help"
((${count:-0} > 40)) || fail "only ${count:-0} options found in --help"
echo "man page: ${count:-0} options checked"
finish
