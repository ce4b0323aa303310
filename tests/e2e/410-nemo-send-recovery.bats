#!/usr/bin/env bats
# nemo-send when the run does not end neatly: silent completions, dropped streams, keep-alives
# only, slow runs. In each case the message reaches the sandbox exactly once.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  sandbox_start --work-time 1s --keepalive-interval 300ms --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
}
teardown_file() { sandbox_stop; }

setup() { session_per_test; }
teardown() {
  sandbox_reset
  sandbox_wait_run "$SID"
}

@test "a silent edit is reported as a change from the state" {
  nemo-send -q 'a 4-second video titled "Urban Dreams"' <ctx.json >made.json
  sandbox_fault '{"silent": true}'
  run --separate-stderr nemo-send 'change the title to "Night Lights"' <made.json
  [ "$status" -eq 0 ]
  jq -e '.silent == true and .reply == ""' <<<"$output"
  jq -e '.changes.sentence | contains("\"Night Lights\"")' <<<"$output"
  jq -e '[.tools[].name] == ["edit_timeline"]' <<<"$output"
  [ "$(messages)" -eq 2 ]
}

@test "a dropped stream is recovered by reading the state, without sending again" {
  sandbox_fault '{"drop_after": 2}'
  NEMO_POLL_BASE_MS=700 run --separate-stderr \
    nemo-send 'a 4-second video titled "Dropped"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.recovered == true and (.changes.items | length > 0)' <<<"$output"
  [[ "$stderr" == *"the stream broke mid-run"*"not sent again"* ]]
  sandbox_wait_run "$SID"
  [ "$(messages)" -eq 1 ]
}

@test "a dropped stream with no change before --recover-timeout exits 10" {
  nemo-send -q 'a 4-second video' <ctx.json >made.json
  sandbox_fault '{"drop_after": 1}'
  NEMO_POLL_BASE_MS=100 run --separate-stderr \
    nemo-send --recover-timeout 2s 'hello there' <made.json
  [ "$status" -eq 10 ]
  [[ "$stderr" == *"did not change within 2s"* ]]
  [[ "$stderr" == *"do not send the message again"* ]]
  [ "$(messages)" -eq 2 ]
}

@test "keep-alives only end in the idle timeout: exit 11, one message" {
  sandbox_fault '{"keepalive_only": true}'
  run --separate-stderr nemo-send --idle-timeout 2s 'a 4-second video' <ctx.json
  [ "$status" -eq 11 ]
  [[ "$stderr" == *"--idle-timeout"* ]]
  [[ "$stderr" == *"hint: the run may still finish: check with nemo-state"* ]]
  [ "$(messages)" -eq 1 ]
}

@test "a run longer than --timeout exits 11, one message" {
  sandbox_fault '{"work_time_ms": 6000}'
  run --separate-stderr nemo-send --timeout 2s --idle-timeout 1m 'a 4-second video' <ctx.json
  [ "$status" -eq 11 ]
  [[ "$stderr" == *"--timeout"* ]]
  [[ "$stderr" == *"check with nemo-state"* ]]
  [ "$(messages)" -eq 1 ]
}

@test "a trailing temporary-issue text after the reply is ignored" {
  sandbox_fault '{"trailing_issue": true}'
  run --separate-stderr nemo-send 'a 4-second video titled "Fine"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.reply | contains("temporary issue") | not' <<<"$output"
  jq -e '.reply | contains("Fine")' <<<"$output"
}

@test "off a terminal no status line is printed for a short run" {
  run --separate-stderr nemo-send 'a 4-second video' <ctx.json
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
}
