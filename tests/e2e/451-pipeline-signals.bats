#!/usr/bin/env bats
# Ctrl-C on a pipeline: SIGINT to its process group at any moment ends every stage within a
# second or two, with 130 (or 0 for a stage that had finished), never 2; no process is left; the
# same pipeline run again recovers the message it finds in the journal instead of sending it
# twice. A stage waiting on stdin ends at once too.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  cd "$BATS_TEST_TMPDIR"
}

# A 4-stage pipeline on the session in ctx.json, in a process group of its own: its leader's pid
# in PGID; PIPESTATUS goes to codes. The `trap : INT` keeps the shell alive to write them (a shell
# whose child died of SIGINT would otherwise die of it too).
start_pipeline() {
  rm -f codes leader
  setsid bash -c 'echo $$ >leader; trap : INT TERM
    nemo-auth <ctx.json | nemo-send "a 3-second video" | nemo-state | nemo-export -o y.mp4
    echo "${PIPESTATUS[*]}" >codes' >out 2>err 3>&- &
  BG=$!
  for _ in $(seq 100); do [ -s leader ] && break; sleep 0.02; done
  PGID=$(cat leader)
}

# Waits (at most SECONDS) until no process of the group is left.
group_gone() {
  local i
  for ((i = 0; i < $1 * 20; i++)); do
    pgrep -g "$PGID" >/dev/null || return 0
    sleep 0.05
  done
  pgrep -a -g "$PGID" >&2
  return 1
}

@test "SIGINT to the process group of a 4-stage pipeline at 30 random moments: 130 or 0, within 10 s (they end within a second; the bound is for slow sanitizer builds), recovered without a second send" {
  for round in $(seq 30); do
    nemo-auth | nemo-session >ctx.json
    SID=$(jq -r .session_id ctx.json)
    start_pipeline
    delay=$(random_sleep 2500000)
    kill -INT -- "-$PGID" 2>/dev/null || true
    sent=$(now_us)
    group_gone 10 || { echo "round $round (delay ${delay}us): a stage still runs" >&2; return 1; }
    wait "$BG" || true
    took=$(($(now_us) - sent))
    codes=$(cat codes)
    echo "round $round: delay ${delay}us, codes $codes, ended in ${took}us" >&3
    [ "$took" -le 10000000 ]
    # A stage the signal reached between bash's fork and its exec ran the shell's `trap :` and
    # lost the signal: it goes on, and finds its reader gone (141, quietly) — what any program does
    # when the next stage ended. That stage's reader must then be one that was interrupted.
    read -ra code <<<"$codes"
    for i in "${!code[@]}"; do
      c=${code[$i]} next=${code[$((i + 1))]:-}
      [ "$c" -eq 130 ] || [ "$c" -eq 0 ] || { [ "$c" -eq 141 ] && [ "$next" = 130 ]; } ||
        { echo "round $round: codes $codes" >&2; cat err >&2; return 1; }
    done
    ! grep -q 'no session id' err
    # The same pipeline again: it recovers (or sends, if the message never left) — once.
    bash -c 'nemo-auth <ctx.json | nemo-send --recover-timeout 5s "a 3-second video" | nemo-state | nemo-export -o y.mp4' >out2 2>err2 || {
      # Recorded but never sent (the signal came between the record and the request): the
      # re-run says so and exits 10; --again is the documented cure.
      grep -q -- '--again' err2
      [ "$(messages)" -eq 0 ]
      bash -c 'nemo-auth <ctx.json | nemo-send --again "a 3-second video" | nemo-state | nemo-export -o y.mp4' >out2 2>err2
    }
    [ "$(messages)" -eq 1 ] || { echo "round $round: $(messages) messages" >&2; return 1; }
    [ -s y.mp4 ]
    rm -f y.mp4
  done
}

# Waits until process $1 handles SIGINT (its handler is installed: SigCgt has bit 2).
handles_sigint() {
  local i mask
  for ((i = 0; i < 200; i++)); do
    mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$mask" ] && (((16#$mask >> 1) & 1)) && return 0
    sleep 0.02
  done
  return 1
}

@test "SIGINT to a stage waiting on stdin ends it at once, quietly, with 130; SIGTERM with 143" {
  mkfifo stdin.fifo
  for sig in INT TERM; do
    nemo-export -o y.mp4 <stdin.fifo >out 2>err 3>&- &
    pid=$!
    exec 4>stdin.fifo  # the stage before, still working: its end of the pipe stays open
    handles_sigint "$pid"
    kill -"$sig" "$pid"
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
      exec 4>&-
      wait "$pid" || true
      echo "nemo-export did not end within 10 s of SIG$sig" >&2
      return 1
    fi
    status=0 && wait "$pid" || status=$?
    exec 4>&-
    expected=130 && [ $sig = TERM ] && expected=143
    [ "$status" -eq $expected ]
    [ ! -s err ]
    failure_context_only "$(cat out)" $expected
  done
}

@test "the interrupted stage with work in flight names the session and how to follow it up" {
  nemo-auth | nemo-session --name promo >ctx.json
  SID=$(jq -r .session_id ctx.json)
  sandbox_fault '{"work_time_ms": 20000}'
  nemo-send "a 3-second video" <ctx.json >out 2>err 3>&- &
  pid=$!
  for _ in $(seq 200); do [ "$(messages)" -ge 1 ] && break; sleep 0.05; done
  kill -INT "$pid"
  status=0 && wait "$pid" || status=$?
  [ "$status" -eq 130 ]
  grep -q "^nemo-send: interrupted: .*$SID (promo)" err
  grep -q "^hint: .*nemo-state --session $SID" err
}
