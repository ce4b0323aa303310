#!/usr/bin/env bats
# nemo-send against a sandbox speaking the other event dialect ({"type":…} events, as one
# published reference describes): the same runs must give the same context.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  sandbox_start --dialect typed --work-time 500ms --keepalive heartbeat \
    --keepalive-interval 200ms --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
}
teardown_file() { sandbox_stop; }

setup() { session_per_test; }
teardown() {
  sandbox_reset
  sandbox_wait_run "$SID"
}

@test "typed: a generation gives the reply, the tools and the summary" {
  run --separate-stderr bash -c 'nemo-auth | nemo-session \
    | nemo-send "a 10-second video titled \"Urban Dreams\" with upbeat music" | jq -c .'
  [ "$status" -eq 0 ]
  jq -e '.reply | contains("nemo-export") and (contains("Export button") | not)' <<<"$output"
  jq -e '[.tools[].name] | index("generate_video")' <<<"$output"
  jq -e '.summary | contains("Title: \"Urban Dreams\"")' <<<"$output"
}

@test "typed: heartbeats are events in --stream, and the context comes last" {
  run --separate-stderr nemo-send --stream 'a 4-second video' <ctx.json
  [ "$status" -eq 0 ]
  grep -q '^{"type":"heartbeat"}$' <<<"$output"
  [ "$(jq -s 'last | .session_id' <<<"$output")" = "\"$SID\"" ]
}

@test "typed: a silent edit is reported as a change" {
  nemo-send -q 'a 4-second video titled "Urban Dreams"' <ctx.json >made.json
  sandbox_fault '{"silent": true}'
  run --separate-stderr nemo-send 'change the title to "Night Lights"' <made.json
  [ "$status" -eq 0 ]
  jq -e '.silent == true and (.changes.sentence | contains("\"Night Lights\""))' <<<"$output"
}

@test "typed: a dropped stream is recovered, one message" {
  sandbox_fault '{"drop_after": 2}'
  NEMO_POLL_BASE_MS=400 run --separate-stderr nemo-send 'a 4-second video' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.recovered == true and (.changes.items | length > 0)' <<<"$output"
  sandbox_wait_run "$SID"
  [ "$(messages)" -eq 1 ]
}

@test "typed: no credits exits 5" {
  sandbox_credits 0
  run --separate-stderr nemo-send --cost 0 'a 4-second video' <ctx.json
  sandbox_credits 100000
  [ "$status" -eq 5 ]
}

@test "adk as a runtime fault on a typed sandbox: the same run still parses" {
  sandbox_fault '{"dialect": "adk"}'
  run --separate-stderr nemo-send 'a 4-second video titled "Both"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '(.reply | contains("Both")) and (.tools | length == 2)' <<<"$output"
}
