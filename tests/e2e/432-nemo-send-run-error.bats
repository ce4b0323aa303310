#!/usr/bin/env bats
# A run that starts, does work, and then ends in an error event (the sandbox's fault run_error:
# after the first tool has changed the draft) in every error shape a stream may carry: the send
# fails with the run's exit status, and a re-run of the same command (a `make` re-run) does not
# send the message again — its work is in the draft and was charged — but reports the failure
# again with what changed; --again sends it on purpose. An error that is the stream's only event
# (the server refused before starting) is sent again by a re-run, as before.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  sandbox_start --work-time 100ms --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=0
}
teardown_file() { sandbox_stop; }

setup() {
  export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state # each test its own journal
  session_per_test
}
teardown() {
  sandbox_reset
  sandbox_wait_run "$SID"
}

# One row: SHAPE DIALECT KIND. KIND generation: the first message of a session; edit: a message
# to a session that has a draft. Collects mismatches in FAILURES.
run_error_row() {
  local shape=$1 dialect=$2 kind=$3 label="$1/$2/$3"
  local dir=$BATS_TEST_TMPDIR/$shape-$dialect-$kind
  mkdir -p "$dir" && cd "$dir" || return 1
  sandbox_reset
  nemo-session <"$BATS_TEST_TMPDIR/ctx.json" >ctx.json
  SID=$(jq -r .session_id ctx.json)
  local message='a 2-second video titled "Broken"' want_change='Video'
  if [ "$kind" = edit ]; then
    nemo-send -q 'a 2-second video' <ctx.json >/dev/null
    message='make the title "Edited"' want_change='Edited'
  fi
  local sent_before
  sent_before=$(messages)
  sandbox_replace_faults "{\"run_error\": \"$shape\", \"dialect\": \"$dialect\"}"

  local rc=0
  nemo-send "$message" <ctx.json >out1 2>err1 || rc=$?
  [ "$rc" -eq 12 ] || FAILURES+=("$label first run: exit $rc, want 12: $(tr '\n' '|' <err1)")
  failure_context_only "$(cat out1)" 12 ||
    FAILURES+=("$label first run: stdout not the failure context alone: $(head -c 200 out1)")
  [[ $(head -n 1 err1) == "nemo-send: "* ]] || FAILURES+=("$label first run: $(head -n 1 err1)")
  grep -q '^hint: .*does not send the message again' err1 ||
    FAILURES+=("$label first run: no hint that a re-run does not send: $(tr '\n' '|' <err1)")
  [ "$(messages)" -eq $((sent_before + 1)) ] || FAILURES+=("$label: sent $(messages) - $sent_before times")

  # The same command again, as `make` would run it: nothing is sent.
  rc=0
  nemo-send "$message" <ctx.json >out2 2>err2 || rc=$?
  [ "$rc" -eq 12 ] || FAILURES+=("$label re-run: exit $rc, want 12: $(tr '\n' '|' <err2)")
  failure_context_only "$(cat out2)" 12 ||
    FAILURES+=("$label re-run: stdout not the failure context alone: $(head -c 200 out2)")
  [ "$(messages)" -eq $((sent_before + 1)) ] ||
    FAILURES+=("$label re-run: the message was sent again ($(messages) - $sent_before sends)")
  grep -q "^nemo-send: this message went to session $SID .*ended in an error.*not sending it again" err2 ||
    FAILURES+=("$label re-run: $(tr '\n' '|' <err2)")
  # The work the run did before failing is what the re-run reports.
  grep -q "^hint: since it was sent: .*$want_change.*--again" err2 ||
    FAILURES+=("$label re-run: the change is not reported: $(tr '\n' '|' <err2)")
  [ "$(tail -n +2 err2 | grep -vc '^hint: ')" -eq 0 ] || FAILURES+=("$label re-run: more than one error line")
  cd "$BATS_TEST_TMPDIR" || return 1
}

@test "a run that fails after its first tool worked: exit 12, and a re-run does not send again (every error shape, both dialects)" {
  FAILURES=()
  local shape dialect kind
  for shape in error error_code typed; do
    for dialect in adk typed; do
      for kind in generation edit; do
        run_error_row "$shape" "$dialect" "$kind"
      done
    done
  done
  if ((${#FAILURES[@]})); then
    printf '%s\n' "${FAILURES[@]}" >&2
    return 1
  fi
}

@test "--again sends a message whose run failed after starting, as a new run" {
  sandbox_fault '{"run_error": "error"}'
  run --separate-stderr nemo-send -q 'a 2-second video titled "Again"' <ctx.json
  [ "$status" -eq 12 ]
  sandbox_reset
  run --separate-stderr nemo-send -q 'a 2-second video titled "Again"' <ctx.json
  [ "$status" -eq 12 ]
  [ "$(messages)" -eq 1 ]
  run --separate-stderr nemo-send -q --again 'a 2-second video titled "Again"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.summary | contains("Again")' <<<"$output"
  [ "$(messages)" -eq 2 ]
  # and from then on the journal holds the finished run: repeated, not sent
  run --separate-stderr nemo-send -q 'a 2-second video titled "Again"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.replayed == true' <<<"$output"
  [ "$(messages)" -eq 2 ]
}

@test "an error that is the stream's only event (refused before the run started) is sent again" {
  sandbox_fault '{"error_dialect": "event", "inject": "^POST /run_sse", "inject_code": 2001, "inject_times": 1}'
  run --separate-stderr nemo-send -q --cost 0 'a 2-second video' <ctx.json
  [ "$status" -eq 5 ]
  [[ ${stderr_lines[1]} != *"does not send the message again"* ]]
  run --separate-stderr nemo-send -q 'a 2-second video' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '(.replayed | not) and .recovered == false' <<<"$output"
  [ "$(messages)" -eq 1 ]
  [ "$(sandbox_counters | jq '.hits["POST /run_sse"]')" -ge 2 ]
}

@test "kill -9 at random moments of a run that fails after starting, then the same command: never a second send" {
  sandbox_fault '{"run_error": "error"}'
  local t0 span
  t0=$(now_us)
  nemo-send -q 'a 2-second video' <ctx.json >/dev/null 2>&1 || true
  span=$(($(now_us) - t0))
  sandbox_wait_run "$SID"
  local k sid msg pid sent outcomes=""
  for k in $(seq 6); do
    nemo-session <ctx.json >"s$k.json"
    sid=$(jq -r .session_id "s$k.json")
    msg="a 2-second video titled \"Kill $k\""
    nemo-send -q "$msg" <"s$k.json" >/dev/null 2>&1 3>&- &
    pid=$!
    random_sleep "$span" >/dev/null
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sandbox_wait_run "$sid"
    NEMO_POLL_BASE_MS=100 run --separate-stderr nemo-send --recover-timeout 2s "$msg" <"s$k.json"
    sent=$(sandbox_counters | jq -r --arg s "$sid" '.messages[$s] // 0')
    outcomes+=" $status/$sent"
    case $status in
      12) [ "$sent" -eq 1 ] ;;                                        # the failure, repeated
      0) [ "$sent" -eq 1 ] && jq -e '.recovered == true' <<<"$output" ;; # killed before the error came
      10) [ "$sent" -eq 0 ] && [[ $stderr == *"--again"* ]] ;;        # killed before it left
      *) false ;;
    esac || { echo "kill $k: exit $status, $sent sends: $stderr" >&2; return 1; }
  done
  echo "# 6 kills (exit/sends):$outcomes" >&3
}
