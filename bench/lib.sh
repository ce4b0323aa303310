# shellcheck shell=bash
# bench/lib.sh — shared by the bench scripts (sourced, never run).
#
#   . "$(dirname "$0")/lib.sh"
#   bench_init NAME [BUILD_DIR] [programs…]  sets BIN (the programs' directory) and TMP (a private
#                                            temporary directory removed at exit, with everything
#                                            the script started), fresh XDG dirs, no NEMO_* vars
#   bench_sandbox [flags…]                   uses the sandbox in BENCH_API when bench/run shares one,
#                                            else starts a nemo-sandbox with these flags; exports
#                                            NEMO_API_URL
#   bench_counters                           GET /_sandbox/counters
#   bench_fault JSON                         POST /_sandbox/faults
#   bench_curl_conf FILE                     a curl config (mode 600) carrying the current token as
#                                            a header: give it to curl as `-K - <FILE`, never argv
#   bench_us                                 now, in microseconds (no fork)
#   bench_median                             the median of the numbers on stdin, one a line
#   bench_log MESSAGE                        one progress line on stderr
#   bench_fake_mp4 BYTES FILE                an MP4's ftyp box, then random bytes
# Output rule of every row script: one JSON object on stdout, progress on stderr.

bench_log() { printf 'bench/%s: %s\n' "${BENCH_NAME:-?}" "$*" >&2; }
bench_die() {
  bench_log "$*"
  exit 1
}

bench_us() {
  local t=$EPOCHREALTIME
  echo "${t/./}"
}

bench_median() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_init() {
  BENCH_NAME=$1
  local here build
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=${2:-}
  if [ -n "${NEMO_BIN:-}" ] && [ -z "$build" ]; then
    BIN=$NEMO_BIN
  else
    build=${build:-$here/build-release}
    [ -d "$build" ] || bench_die "$build: no such build directory (run bench/run, or pass one)"
    BIN=$(cd "$build" && pwd)/bin
  fi
  shift 2 || shift $#
  local p
  for p in "$@"; do
    [ -x "$BIN/$p" ] || bench_die "$BIN/$p not found (build it first)"
  done
  command -v jq >/dev/null || bench_die "jq missing (scripts/bootstrap installs it)"
  command -v curl >/dev/null || bench_die "curl missing (scripts/bootstrap installs it)"
  [ -x /usr/bin/time ] || bench_die "/usr/bin/time missing (scripts/bootstrap installs package time)"
  TMP=$(mktemp -d "/tmp/nemo-bench-$BENCH_NAME.XXXXXX")
  BENCH_PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  export XDG_CONFIG_HOME=$TMP/config XDG_STATE_HOME=$TMP/state
  unset NEMO_TOKEN NEMO_CLIENT_ID NEMO_POLL_BASE_MS NEMO_ERROR_FORMAT NEMO_FORCE_TTY NEMO_API_URL
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}

bench_sandbox() {
  if [ -n "${BENCH_API:-}" ]; then
    export NEMO_API_URL=$BENCH_API
    return
  fi
  "$BIN/nemo-sandbox" --quiet "$@" >"$TMP/sandbox.json" 2>"$TMP/sandbox.err" &
  BENCH_PIDS+=($!)
  local _
  for _ in $(seq 200); do
    grep -q '}' "$TMP/sandbox.json" 2>/dev/null && break
    sleep 0.05
  done
  NEMO_API_URL=$(jq -er .api "$TMP/sandbox.json") || {
    cat "$TMP/sandbox.err" >&2
    bench_die "nemo-sandbox did not start"
  }
  export NEMO_API_URL
}

# bench_fake_mp4 BYTES FILE: an MP4's first box (ftyp), then random bytes: what nemo-export
# takes for a video (it checks that a download starts the way its format does) and no
# compressor shrinks.
bench_fake_mp4() {
  { printf '\0\0\0\030ftypisom\0\0\002\0isomiso2'; head -c "$(($1 - 24))" /dev/urandom; } >"$2"
}
bench_counters() { curl -sS "$NEMO_API_URL/_sandbox/counters"; }
bench_fault() {
  curl -sS -X POST -H 'Content-Type: application/json' -d "$1" "$NEMO_API_URL/_sandbox/faults" \
    >/dev/null
}

bench_curl_conf() {
  (
    umask 077
    printf 'header = "Authorization: Bearer %s"\n' "$("$BIN/nemo-auth" token)" >"$1"
  )
}
