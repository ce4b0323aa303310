#!/usr/bin/env bats
# nemo-sandbox as a shell's background service: --daemon prints the lines to eval and leaves a
# listening sandbox behind, --stop ends it, --list-faults prints the one fault table, and a port
# in use gets a message that says so.

load lib/sandbox

setup() {
  nemo_test_env
  unset NEMO_SANDBOX_PID
}

teardown() {
  # A test that failed half-way must not leave a daemon behind.
  if [ -n "${NEMO_SANDBOX_PID:-}" ]; then
    "$NEMO_BIN/nemo-sandbox" --stop >/dev/null 2>&1 || true
  fi
  [ -z "${HOLDER_PID:-}" ] || kill -TERM "$HOLDER_PID" 2>/dev/null || true
}

@test "--daemon: eval its output, the sandbox listens at once, --stop ends it" {
  out=$("$NEMO_BIN/nemo-sandbox" --daemon --work-time 50ms)
  [[ $out =~ ^export\ NEMO_API_URL=http://127\.0\.0\.1:[0-9]+$'\n'export\ NEMO_SANDBOX_PID=[0-9]+$ ]]
  eval "$out"
  kill -0 "$NEMO_SANDBOX_PID"
  [ "$(cat "/proc/$NEMO_SANDBOX_PID/comm")" = nemo-sandbox ]
  # Listening when --daemon returned: no waiting, no retry.
  curl -sfS -X POST -H 'X-Client-Id: daemon-test' -H 'Content-Length: 0' \
    "$NEMO_API_URL/api/auth/anonymous-token" | jq -e '.data.token | startswith("nmv_usr_")' >/dev/null
  run bash -c 'nemo-auth | nemo-session | jq -r .session_id'
  [ "$status" -eq 0 ]
  [[ $output == ses_* ]]
  pid=$NEMO_SANDBOX_PID
  run "$NEMO_BIN/nemo-sandbox" --stop
  [ "$status" -eq 0 ]
  [ "$output" = "unset NEMO_API_URL NEMO_SANDBOX_PID" ]
  ! kill -0 "$pid" 2>/dev/null
  unset NEMO_SANDBOX_PID
}

@test "--daemon holds no caller's pipe, so \$(...) and bats' run return" {
  # `run` captures stdout and stderr through one pipe: a daemon holding it would hang this test.
  run "$NEMO_BIN/nemo-sandbox" --daemon
  [ "$status" -eq 0 ]
  eval "$output"
  [ -n "$NEMO_SANDBOX_PID" ]
  "$NEMO_BIN/nemo-sandbox" --stop >/dev/null
  unset NEMO_SANDBOX_PID
}

@test "--daemon is quiet; --log FILE gets the request log" {
  log=$BATS_TEST_TMPDIR/sandbox.log
  eval "$("$NEMO_BIN/nemo-sandbox" --daemon --log "$log" 2>"$BATS_TEST_TMPDIR/stderr")"
  curl -sS -o /dev/null "$NEMO_API_URL/_sandbox/counters"
  "$NEMO_BIN/nemo-sandbox" --stop >/dev/null
  unset NEMO_SANDBOX_PID
  grep -q '^GET /_sandbox/counters 200 ' "$log"
  [ ! -s "$BATS_TEST_TMPDIR/stderr" ]
}

@test "--stop without NEMO_SANDBOX_PID, or with a process that is not a sandbox, says so" {
  run "$NEMO_BIN/nemo-sandbox" --stop
  [ "$status" -eq 2 ]
  [[ ${lines[0]} == "nemo-sandbox: --stop: NEMO_SANDBOX_PID is not set" ]]
  [[ ${lines[1]} == "hint: "*"--daemon"* ]]
  sleep 30 3>&- &
  HOLDER_PID=$!
  NEMO_SANDBOX_PID=$HOLDER_PID run "$NEMO_BIN/nemo-sandbox" --stop
  [ "$status" -eq 1 ]
  [[ ${lines[0]} == "nemo-sandbox: --stop: process $HOLDER_PID is sleep, not nemo-sandbox" ]]
  kill -0 "$HOLDER_PID" # left alone
  NEMO_SANDBOX_PID=notapid run "$NEMO_BIN/nemo-sandbox" --stop
  [ "$status" -eq 2 ]
}

@test "--list-faults: every fault of the table, NAME<TAB>description, and each one is accepted" {
  run "$NEMO_BIN/nemo-sandbox" --list-faults
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 25 ]
  for line in "${lines[@]}"; do
    [[ $line =~ ^[a-z_0-9]+$'\t'[^$'\t']+$ ]] || { echo "bad line: $line"; return 1; }
  done
  names=$(cut -f1 <<<"$output")
  for n in silent drop_after inject run_error render_file; do grep -qx "$n" <<<"$names"; done
  # The same table --fault checks: every listed name is a known fault.
  sandbox_start
  for n in $names; do
    _sandbox_control GET faults | jq -e --arg n "$n" 'has($n)' >/dev/null ||
      { echo "listed but unknown: $n"; return 1; }
  done
  [ "$(_sandbox_control GET faults | jq -r 'keys[]' | sort)" = "$(sort <<<"$names")" ]
  # ... and the completions offer every one of them.
  for f in completions/bash/nemo-sandbox completions/zsh/_nemo-sandbox completions/fish/nemo-sandbox.fish; do
    for n in $names; do
      grep -Eq "[ ('\"]$n[ )'\"]" "$NEMO_SOURCE_DIR/$f" || { echo "$f lacks $n"; return 1; }
    done
  done
  sandbox_stop
}

@test "a port in use: 'cannot listen on ADDR: address already in use' and a hint" {
  sandbox_start
  port=${SANDBOX_API##*:}
  run "$NEMO_BIN/nemo-sandbox" --port "$port"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "nemo-sandbox: cannot listen on 127.0.0.1:$port: address already in use" ]
  [[ ${lines[1]} == "hint: "*"--port"* ]]
  run "$NEMO_BIN/nemo-sandbox" --daemon --port "$port"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "nemo-sandbox: cannot listen on 127.0.0.1:$port: address already in use" ]
  sandbox_stop
}
