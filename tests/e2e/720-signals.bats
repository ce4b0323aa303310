#!/usr/bin/env bats
# Signals: SIGINT/SIGTERM while an upload, a run or a render is in progress exit 130/143 and
# leave nothing behind; a closed stdout (SIGPIPE/EPIPE) is not reported as an error. Each signal
# is sent once the sandbox shows the request in progress (polled, never a timed guess).

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1 NEMO_POLL_BASE_MS=100
  sandbox_start --work-time 200ms --render-time 300ms --credits 100000 --max-upload 1GiB
  nemo-auth | nemo-session --name signals | nemo-send -q 'a 2-second video' >"$BATS_FILE_TMPDIR/made.json"
  export MADE=$BATS_FILE_TMPDIR/made.json SID
  SID=$(jq -r .session_id "$MADE")
  # 300 MiB that pass the checks: a real MP4's first bytes, then zeros
  ffmpeg -loglevel error -f lavfi -i testsrc=s=64x48:r=5:d=1 -pix_fmt yuv420p "$BATS_FILE_TMPDIR/head.mp4"
  { cat "$BATS_FILE_TMPDIR/head.mp4"; head -c 300M /dev/zero; } >"$BATS_FILE_TMPDIR/big.mp4"
}
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  mkdir -p "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
}

counter() { sandbox_counters | jq "$1"; }
wait_for() {  # JQ-CONDITION on the counters, or 'session' + condition on the session
  for _ in $(seq 600); do
    if [ "$1" = session ]; then sandbox_session "$SID" | jq -e "$2" >/dev/null && return 0
    else sandbox_counters | jq -e "$1" >/dev/null && return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "the program ended before the signal" >&2; return 1; }
    sleep 0.05
  done
  return 1
}
# interrupted SIGNAL EXIT: the background program ($pid, stdout out, stderr err) exits EXIT with
# one "…: interrupted" stderr line (and hints), only the failure context on stdout, and the work directory holds only what it held before
interrupted() {
  kill -"$1" "$pid"
  status=0 && wait "$pid" || status=$?
  [ "$status" -eq "$2" ]
  failure_context_only "$(cat out)" "$2"
  grep -q '^nemo-[a-z]*: interrupted' err
  [ "$(grep -vc '^hint: ' err)" -eq 1 ]
  [ "$(ls -A | sort | tr '\n' ' ')" = "err out " ]
  [ -z "$(find "$XDG_CONFIG_HOME" -name '.credentials.json.*')" ]
}

@test "SIGINT during a 300 MiB upload: exit 130, nothing registered, no temporary file" {
  before=$(counter .upload_requests) && uploads=$(counter .uploads)
  nemo-upload "$BATS_FILE_TMPDIR/big.mp4" <"$MADE" >out 2>err 3>&- & pid=$!
  wait_for ".upload_requests > $before"
  interrupted INT 130
  [ "$(counter .uploads)" -eq "$uploads" ]
}

@test "SIGTERM during a 300 MiB upload: exit 143" {
  before=$(counter .upload_requests)
  nemo-upload "$BATS_FILE_TMPDIR/big.mp4" <"$MADE" >out 2>err 3>&- & pid=$!
  wait_for ".upload_requests > $before"
  interrupted TERM 143
}

# a slow run on a session of its own (an interrupted run goes on on the server), signalled once
# the sandbox has its message and the run is active
slow_run() {  # SIGNAL EXIT
  sandbox_fault '{"work_time_ms": 30000}'
  nemo-session --name slow <"$MADE" >../ctx.json
  SID=$(jq -r .session_id ../ctx.json)
  nemo-send 'a 2-second video' <../ctx.json >out 2>err 3>&- & pid=$!
  wait_for ".messages[\"$SID\"] == 1"
  wait_for session '.run_active'
  interrupted "$1" "$2"
  [ "$(counter ".messages[\"$SID\"]")" -eq 1 ]
}

@test "SIGINT during a slow run: exit 130, the message was sent once" { slow_run INT 130; }
@test "SIGTERM during a slow run: exit 143, the message was sent once" { slow_run TERM 143; }

@test "SIGINT during a slow render: exit 130, no file and no .part" {
  sandbox_fault '{"render_time_ms": 30000}'
  before=$(counter .render_requests) && polls=$(counter '[.polls // {} | .[]] | add // 0')
  nemo-export -o v.mp4 <"$MADE" >out 2>err 3>&- & pid=$!
  wait_for ".render_requests > $before and ([.polls // {} | .[]] | add // 0) > $polls"
  interrupted INT 130
}

@test "SIGTERM during a slow render: exit 143, no file and no .part" {
  sandbox_fault '{"render_time_ms": 30000}'
  before=$(counter .render_requests)
  nemo-export -o v.mp4 <"$MADE" >out 2>err 3>&- & pid=$!
  wait_for ".render_requests > $before"
  interrupted TERM 143
}

@test "SIGPIPE: nemo-auth | head -c1 reports nothing" {
  run --separate-stderr bash -c 'nemo-auth | head -c1'
  [ "$output" = '{' ]
  [ -z "$stderr" ]
}

@test "SIGPIPE: nemo-auth into a reader that already left reports nothing" {
  run --separate-stderr bash -c 'nemo-auth | true'
  [ -z "$stderr" ]
}

@test "SIGPIPE: nemo-send --stream | head -n1 reports nothing, and the message went once" {
  before=$(counter ".messages[\"$SID\"]")
  # --again: setup_file sent these words to this session already (the journal would repeat it)
  run --separate-stderr bash -c 'nemo-send --again --stream "a 2-second video" <"$MADE" | head -n1'
  jq -e .type <<<"$output"
  [ -z "$stderr" ]
  sandbox_wait_run "$SID"
  [ "$(counter ".messages[\"$SID\"]")" -eq $((before + 1)) ]
}
