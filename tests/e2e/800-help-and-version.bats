#!/usr/bin/env bats
# Every program in <build>/bin: --help fits one screen and ends with an example; --version names
# the program, the project's version and libcurl's.

load lib/docs

setup() { require_programs; }

# The project version CMake configured, e.g. 0.1.0.
project_version() {
  sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$NEMO_BUILD_DIR/CMakeCache.txt"
}

# Does PROG link libcurl?
links_curl() { ldd "$NEMO_BIN/$1" 2>/dev/null | grep -q "libcurl"; }

# Checks one help text: exit 0, nothing on stderr, ≤ 40 lines, an "Example:" block near the end
# whose first line runs the program.
check_help() {
  local label=$1 prog=$2
  shift 2
  local out err rc lines
  err=$(mktemp)
  out=$("$NEMO_BIN/$prog" "$@" --help 2>"$err") && rc=0 || rc=$?
  ((rc == 0)) || fail_with "$label --help: exit $rc"
  [[ -s $err ]] && fail_with "$label --help: wrote to stderr: $(head -1 "$err")"
  rm -f "$err"
  lines=$(wc -l <<<"$out")
  ((lines <= 40)) || fail_with "$label --help: $lines lines (more than one screen of 40)"
  # The example is the last block but for at most a "see also" line.
  local tail_text example
  tail_text=$(tail -n 6 <<<"$out")
  if ! grep -Eq '^Examples?:' <<<"$tail_text"; then
    fail_with "$label --help: does not end with an Example: block"
    return 0
  fi
  example=$(awk '/^Examples?:/ { getline; print; exit }' <<<"$tail_text")
  [[ $example =~ (^|[^a-z-])${prog}([^a-z-]|$) || ($prog == nemo-video && $example =~ nemo-video\ ) ]] ||
    fail_with "$label --help: the example does not run $prog: $example"
}

@test "every program's --help exits 0, fits 40 lines and ends with an example running it" {
  for prog in "${PROGRAMS[@]}"; do
    check_help "$prog" "$prog"
  done
  report_failures
}

@test "every subcommand's --help fits 40 lines and ends with an example" {
  for prog in "${PROGRAMS[@]}"; do
    "$NEMO_BIN/$prog" --help | grep -q '^Subcommands:' || continue
    for sub in $(program_subcommands "$prog"); do
      check_help "$prog $sub" "$prog" "$sub"
    done
  done
  report_failures
}

@test "every --version prints name and project version, and the libcurl version when it links libcurl" {
  version=$(project_version)
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]
  curl_version=$(curl-config --version 2>/dev/null | awk '{ print $2 }') || true
  for prog in "${PROGRAMS[@]}"; do
    err=$(mktemp)
    first=$("$NEMO_BIN/$prog" --version 2>"$err" | head -n 1) || fail_with "$prog --version: exit $?"
    [[ -s $err ]] && fail_with "$prog --version: wrote to stderr: $(head -1 "$err")"
    rm -f "$err"
    if [[ ! $first =~ ^$prog\ ([0-9][^ ]*)(\ |$) ]]; then
      fail_with "$prog --version: '$first' does not start with '$prog <version>'"
      continue
    fi
    [[ ${BASH_REMATCH[1]} == "$version" ]] ||
      fail_with "$prog --version: version ${BASH_REMATCH[1]}, the project is $version"
    # libcurl's version, from every program that links it (nemo-sandbox does not, on purpose).
    links_curl "$prog" || continue
    if [[ ! $first =~ libcurl/([0-9][0-9.]*) ]]; then
      fail_with "$prog --version: '$first' does not name libcurl/<version>"
    elif [[ -n $curl_version && ${BASH_REMATCH[1]} != "$curl_version" ]]; then
      fail_with "$prog --version: libcurl ${BASH_REMATCH[1]}, built against $curl_version"
    fi
  done
  report_failures
}

@test "the help check catches a help that does not end with an example" {
  # The checker itself: a fake program whose help has no example must fail it.
  fake=$(mktemp -d)
  printf '#!/bin/sh\nprintf "Usage: nemo-fake [OPTIONS]\\n\\nOptions:\\n  --frob  Frob\\n"\n' >"$fake/nemo-fake"
  chmod +x "$fake/nemo-fake"
  NEMO_BIN=$fake check_help nemo-fake nemo-fake
  [[ ${FAILURES[*]} == *"does not end with an Example"* ]]
  rm -rf "$fake"
}
