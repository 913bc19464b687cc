# Shared by the dist tests: `fail MESSAGE` records a failure; `finish` exits non-zero if any.
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect_contains() {  # HAYSTACK NEEDLE WHAT
  [[ $1 == *"$2"* ]] || fail "$3: expected to contain \"$2\""
}
finish() {
  if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
