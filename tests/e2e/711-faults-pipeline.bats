#!/usr/bin/env bats
# Faults in whole pipelines, against nemo-sandbox: dropped streams, slow and silent runs, event
# floods, failing renders, broken and missing downloads. Never a second message; never a
# partial file at the final name (a file already there stays as it was); the CDN never sees the
# token.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1 NEMO_POLL_BASE_MS=100
  sandbox_start --work-time 200ms --render-time 300ms --keepalive-interval 200ms --credits 100000
  nemo-auth | nemo-session --name faults | nemo-send -q 'a 2-second video' >"$BATS_FILE_TMPDIR/made.json"
  export MADE=$BATS_FILE_TMPDIR/made.json
}
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  cd "$BATS_TEST_TMPDIR"
  nemo-session --name run <"$MADE" >ctx.json
  SID=$(jq -r .session_id ctx.json)
}

messages() { sandbox_counters | jq --arg s "$1" '.messages[$s] // 0'; }
counter() { sandbox_counters | jq ".$1"; }

@test "drop_after: a stream dropped mid-pipeline still ends in an MP4, with one message" {
  sandbox_fault '{"drop_after": 2}'
  run --separate-stderr bash -c 'nemo-send "a 2-second video" <ctx.json | nemo-export -o v.mp4'
  [ "$status" -eq 0 ]
  jq -e '.file and .sha256' <<<"$output"
  [ "$(sha256sum <v.mp4 | cut -d" " -f1)" = "$(jq -r .sha256 <<<"$output")" ]
  [ ! -e v.mp4.part ]
  sandbox_wait_run "$SID"
  [ "$(messages "$SID")" -eq 1 ]
}

@test "drop_after with --stream: events, then the context last; one message" {
  sandbox_fault '{"drop_after": 1}'
  run --separate-stderr nemo-send --stream 'a 2-second video' <ctx.json
  [ "$status" -eq 0 ]
  jq -se 'last | .session_id and .recovered == true' <<<"$output"
  sandbox_wait_run "$SID"
  [ "$(messages "$SID")" -eq 1 ]
}

@test "work_time_ms: a run slower than --timeout is exit 11, not sent again, nothing on stdout" {
  sandbox_fault '{"work_time_ms": 30000}'
  run --separate-stderr nemo-send --timeout 1s 'a 2-second video' <ctx.json
  [ "$status" -eq 11 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-send: "*--timeout* ]]
  [ "$(messages "$SID")" -eq 1 ]
}

@test "keepalive_only: exit 11 after --idle-timeout, one message" {
  sandbox_fault '{"keepalive_only": true}'
  run --separate-stderr nemo-send --idle-timeout 1s 'a 2-second video' <ctx.json
  [ "$status" -eq 11 ]
  failure_context_only "$output" "$status"
  [ "$(messages "$SID")" -eq 1 ]
}

@test "silent: no reply text, the change is read from the state, one message" {
  sandbox_fault '{"silent": true}'
  run --separate-stderr nemo-send 'a 3-second video titled "Quiet"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.silent == true and (.changes.items | length > 0)' <<<"$output"
  [ "$(messages "$SID")" -eq 1 ]
}

@test "flood: 5000 partial text events are one reply, and each a line with --stream" {
  sandbox_fault '{"flood": 5000}'
  run --separate-stderr nemo-send --stream 'a 2-second video' <ctx.json
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -gt 5000 ]
  jq -se 'last | .reply != ""' <<<"$output"
}

@test "fail_render: exit 12; a file already at the final name is left as it was" {
  echo 'the previous video' >v.mp4
  sandbox_fault '{"fail_render": true}'
  run --separate-stderr nemo-export -o v.mp4 <"$MADE"
  [ "$status" -eq 12 ]
  failure_context_only "$output" "$status"
  [ "$(cat v.mp4)" = 'the previous video' ]
  [ ! -e v.mp4.part ]
}

@test "break_download_after, once: resumed to the right sha256, no .part left" {
  sandbox_fault '{"break_download_after": 20000}'
  run --separate-stderr nemo-export -o v.mp4 <"$MADE"
  [ "$status" -eq 0 ]
  [ "$(sha256sum <v.mp4 | cut -d" " -f1)" = "$(jq -r .sha256 <<<"$output")" ]
  [ ! -e v.mp4.part ]
}

@test "break_download_after, every time: exit 10, no partial file at the final name" {
  echo 'the previous video' >v.mp4
  sandbox_fault '{"break_download_after": 1000, "break_download_times": 1000}'
  run --separate-stderr nemo-export -o v.mp4 <"$MADE"
  [ "$status" -eq 10 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-export: "* ]]
  [ "$(cat v.mp4)" = 'the previous video' ]
  [ ! -e v.mp4.part ]
}

@test "cdn_404: the API's download endpoint instead; the CDN never saw the token" {
  sandbox_fault '{"cdn_404": true}'
  run --separate-stderr nemo-export -o v.mp4 <"$MADE"
  [ "$status" -eq 0 ]
  [ "$(sha256sum <v.mp4 | cut -d" " -f1)" = "$(jq -r .sha256 <<<"$output")" ]
  [ "$(counter cdn_auth_headers)" -eq 0 ]
}
