# Helpers for end-to-end tests against a real nemo-sandbox (load lib/sandbox).
# Other test files rely on these exact names; add, never rename.
#
#   nemo_test_env              fresh HOME/XDG dirs, $NEMO_BIN first on PATH, no NEMO_* leaking in
#   sandbox_start [FLAGS…]     start nemo-sandbox (from setup_file or setup); exports SANDBOX_PID,
#                              SANDBOX_API, SANDBOX_CDN, SANDBOX_LOG and NEMO_API_URL
#   sandbox_stop               TERM it and wait
#   sandbox_counters           GET /_sandbox/counters
#   sandbox_fault JSON         merge faults;  sandbox_reset: clear them all
#   sandbox_replace_faults JSON  the faults are JSON and nothing else
#   sandbox_session SID        GET /_sandbox/sessions/SID
#   sandbox_credits N [USER]   set the available credits (of every user when USER is omitted)
#   sandbox_token              print a fresh anonymous token (new random client id)
#   sandbox_curl ARGS…         curl -sS with the X-Skill-* headers, and the bearer $TOKEN if set
#   sandbox_new_session        create a session as $TOKEN; print its id
#   sandbox_send SID TEXT [J]  POST /run_sse as $TOKEN (J: extra request keys); print the stream
#   sandbox_events             stdin SSE stream → one event JSON per line
#   sandbox_wait_run SID       wait (≤ 30 s) until the session has no run in progress
#   now_us                     the time in microseconds (to measure the span kills land in)
#   random_sleep US            sleep a random time between 0 and US microseconds; print it
#
# Tests never print a token: keep it in a variable, pass it through sandbox_curl.

: "${NEMO_BIN:?NEMO_BIN must point at <build>/bin}"

# jq 1.6 compiles its builtins at every start (~30 ms of CPU) and the suite starts it thousands of
# times to read what the programs and the sandbox answer: with gojq (a jq in Go, from Debian,
# ~4 ms) the suite's jq costs a seventh. Exported, so the real pipelines the tests run in
# `bash -c` use it too. A test of what users run with their own jq (840: the README's examples
# and jq cookbook) sets NEMO_TEST_KEEP_JQ=1 before loading this file.
if [ -z "${NEMO_TEST_KEEP_JQ:-}" ] && command -v gojq >/dev/null 2>&1; then
  jq() { gojq "$@"; }
  export -f jq
fi

# The per-test temporary directory when there is one (setup, @test), else the per-file one
# (setup_file).
_sandbox_tmp() {
  local dir=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-}}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d)
  fi
  printf '%s\n' "$dir"
}

nemo_test_env() {
  case ":$PATH:" in
    "$NEMO_BIN:"*) ;;
    *) export PATH="$NEMO_BIN:$PATH" ;;
  esac
  local base
  base=$(mktemp -d "$(_sandbox_tmp)/env.XXXXXX")
  mkdir -p "$base/home" "$base/config" "$base/state" "$base/cache"
  export HOME="$base/home"
  export XDG_CONFIG_HOME="$base/config"
  export XDG_STATE_HOME="$base/state"
  export XDG_CACHE_HOME="$base/cache"
  unset NEMO_TOKEN NEMO_CLIENT_ID NEMO_API_URL NEMO_DEBUG NEMO_NO_AUTO_AUTH
  # Called again from setup after sandbox_start in setup_file: keep pointing at that sandbox.
  if [ -n "${SANDBOX_API:-}" ]; then
    export NEMO_API_URL="$SANDBOX_API"
  fi
}

sandbox_start() {
  unset SANDBOX_API
  nemo_test_env
  local dir ready i
  dir=$(_sandbox_tmp)
  ready=$(mktemp "$dir/sandbox-ready.XXXXXX")
  SANDBOX_LOG=$(mktemp "$dir/sandbox-log.XXXXXX")
  # 3>&-: bats waits for every holder of its fd 3; a background server must not be one.
  # The sandboxes of one test run share their renders (NEMO_TEST_RENDER_CACHE, set by CTest):
  # the same draft is encoded once per run, not once per test.
  local cache=()
  [ -n "${NEMO_TEST_RENDER_CACHE:-}" ] && cache=(--render-cache "$NEMO_TEST_RENDER_CACHE")
  "$NEMO_BIN/nemo-sandbox" --port 0 --quiet "${cache[@]}" "$@" >"$ready" 2>"$SANDBOX_LOG" 3>&- &
  SANDBOX_PID=$!
  for ((i = 0; i < 200; i++)); do
    if [ -s "$ready" ] && grep -q '}' "$ready"; then
      break
    fi
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  if ! [ -s "$ready" ] || ! SANDBOX_API=$(jq -er .api "$ready" 2>/dev/null); then
    echo "nemo-sandbox did not start (flags: $*); its log:" >&2
    cat "$SANDBOX_LOG" >&2
    kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    unset SANDBOX_PID SANDBOX_API
    return 1
  fi
  SANDBOX_CDN=$(jq -r .cdn "$ready")
  export SANDBOX_PID SANDBOX_API SANDBOX_CDN SANDBOX_LOG
  export NEMO_API_URL="$SANDBOX_API"
}

sandbox_stop() {
  [ -n "${SANDBOX_PID:-}" ] || return 0
  kill -TERM "$SANDBOX_PID" 2>/dev/null || true
  # wait works only in the shell that started it; elsewhere (another bats phase) poll.
  if ! wait "$SANDBOX_PID" 2>/dev/null; then
    local i
    for ((i = 0; i < 100; i++)); do
      kill -0 "$SANDBOX_PID" 2>/dev/null || break
      sleep 0.1
    done
  fi
  unset SANDBOX_PID
}

_sandbox_control() {  # METHOD PATH [JSON]
  local args=(-sS -X "$1" "$SANDBOX_API/_sandbox/$2")
  if [ $# -ge 3 ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$3")
  fi
  local body code
  body=$(curl "${args[@]}" -w '\n%{http_code}') || return 1
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  if [ "$code" != 200 ]; then
    echo "sandbox: $1 /_sandbox/$2: HTTP $code $body" >&2
    return 1
  fi
  printf '%s\n' "$body"
}

sandbox_counters() { _sandbox_control GET counters; }
sandbox_fault() { _sandbox_control POST faults "$1" >/dev/null; }
sandbox_reset() { _sandbox_control DELETE faults >/dev/null; }
sandbox_replace_faults() { _sandbox_control PUT faults "$1" >/dev/null; }
sandbox_session() { _sandbox_control GET "sessions/$1"; }

sandbox_credits() {
  local body
  if [ $# -ge 2 ]; then
    body=$(jq -nc --argjson n "$1" --arg u "$2" '{available: $n, user_id: $u}')
  else
    body=$(jq -nc --argjson n "$1" '{available: $n}')
  fi
  _sandbox_control POST credits "$body" >/dev/null
}

sandbox_token() {
  local cid
  cid="test-$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo "$RANDOM$RANDOM$$")"
  curl -sS -X POST -H "X-Client-Id: $cid" -H 'Content-Length: 0' \
    "$SANDBOX_API/api/auth/anonymous-token" | jq -er .data.token
}

sandbox_curl() {
  local hdr=()
  local file=""
  if [ -n "${TOKEN:-}" ]; then
    # The token goes through a private file (curl -H @file), never argv: argv shows in ps and
    # in bats' trace of a failing command.
    file=$(mktemp "$(_sandbox_tmp)/auth.XXXXXX")
    chmod 600 "$file"
    printf 'Authorization: Bearer %s\n' "$TOKEN" >"$file"
    hdr=(-H "@$file")
  fi
  local rc=0
  curl -sS -H 'X-Skill-Source: nemo-tests' -H 'X-Skill-Version: 0.1.0' \
    -H 'X-Skill-Platform: terminal' "${hdr[@]}" "$@" || rc=$?
  [ -z "$file" ] || rm -f "$file"
  return "$rc"
}

sandbox_new_session() {
  sandbox_curl -H 'Content-Type: application/json' -d '{"task_name":"test","language":"en"}' \
    "$SANDBOX_API/api/tasks/me/with-session/nemo_agent" | jq -er .data.session_id
}

sandbox_send() {
  local body extra=${3:-}
  [ -n "$extra" ] || extra='{}'
  body=$(jq -nc --arg sid "$1" --arg m "$2" --argjson extra "$extra" \
    '{app_name: "nemo_agent", user_id: "me", session_id: $sid,
      new_message: {parts: [{text: $m}]}} + $extra')
  sandbox_curl -N -H 'Accept: text/event-stream' -H 'Content-Type: application/json' \
    --data-binary "$body" "$SANDBOX_API/run_sse"
}

sandbox_events() { sed -n 's/^data: \(.*[^[:space:]]\).*$/\1/p'; }

sandbox_wait_run() {
  local i
  for ((i = 0; i < 300; i++)); do
    if sandbox_session "$1" | jq -e '.run_active == false' >/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "sandbox: session $1 still has a run in progress" >&2
  return 1
}

now_us() { echo $(($(date +%s%N) / 1000)); }

random_sleep() {
  local us=$(((RANDOM * 32768 + RANDOM) % ($1 + 1)))
  sleep "$((us / 1000000)).$(printf '%06d' $((us % 1000000)))"
  echo "$us"
}

# A failed program writes its failure context on stdout (when stdout is a pipe or a file) for the
# next program in the pipe: {"error":{"exit","message","program",…}} and nothing else.
#   failure_context_only TEXT [EXIT [PROGRAM]]   TEXT is exactly one failure context (of that
#                                                exit code and program, when given)
#   pipeline_errors FILE                         the lines of FILE (a pipeline's stderr) that are
#                                                a program's error ("nemo-…: …", not warnings)
failure_context_only() {
  local text=$1 code=${2:-null} program=${3:-}
  [ "$(printf '%s\n' "$text" | grep -c .)" -eq 1 ] || return 1
  jq -e --argjson c "$code" --arg p "$program" \
    'keys == ["error"] and (.error.exit | type == "number")
     and ($c == null or .error.exit == $c) and ($p == "" or .error.program == $p)
     and (.error.message | type == "string")' <<<"$text" >/dev/null
}
pipeline_errors() { grep -E '^nemo-[a-z]+: ' "$1" | grep -v ': warning: ' || true; }
